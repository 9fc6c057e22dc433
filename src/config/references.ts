import cron from 'node-cron';
import { type Cloud, SERVICES_BY_CLOUD } from './schema.js';

// These checks take the document as `unknown` and guard every access: they run on a validated config,
// and also on the raw document when the schema failed, so that `validate` names every problem at once.
// On a raw document they check only what has the right shape; the schema has reported the rest.

/**
 * Checks what the schema alone cannot: names that must refer to something defined elsewhere in the
 * file (target accounts and services, route and report channels), and unique target ids.
 */
export function checkReferences(doc: unknown): string[] {
  const problems: string[] = [];
  const root = record(doc);
  const accounts = record(root?.accounts);
  const seen = new Map<string, number>();
  list(root?.targets).forEach((value, i) => {
    const t = record(value);
    if (!t) return;
    const at = `targets[${i}]`;
    if (typeof t.id === 'string') {
      const dup = seen.get(t.id);
      if (dup !== undefined) problems.push(`${at}.id: duplicate target id "${t.id}" (also targets[${dup}])`);
      else seen.set(t.id, i);
    }
    if (typeof t.account !== 'string' || !accounts) return;
    // hasOwn: an account named "constructor" or "toString" must not find Object.prototype's.
    if (!Object.hasOwn(accounts, t.account)) {
      problems.push(`${at}.account: unknown account "${t.account}"; defined: ${Object.keys(accounts).join(', ') || 'none'}`);
      return;
    }
    const cloud = cloudOf(accounts[t.account]);
    if (cloud === undefined) return; // the schema reports an account without a known cloud
    const services = SERVICES_BY_CLOUD[cloud];
    if (typeof t.service === 'string' && t.service !== '' && !services.includes(t.service)) {
      problems.push(`${at}.service: "${t.service}" is not a ${cloud} service (account "${t.account}"); use ${services.join(' or ')}`);
    }
    problems.push(...regionProblems(at, cloud, t, accounts[t.account], t.account));
  });
  // Channel names are only known when `channels` is a mapping (absent means none are defined).
  const channelMap = root?.channels === undefined ? {} : record(root.channels);
  if (!channelMap) return problems;
  const channels = new Set(Object.keys(channelMap));
  const known = (names: unknown, at: string) =>
    list(names).forEach((c, j) => {
      if (typeof c === 'string' && c !== '' && !channels.has(c))
        problems.push(`${at}[${j}]: unknown channel "${c}"; defined: ${[...channels].join(', ') || 'none'}`);
    });
  list(root?.routes).forEach((r, i) => {
    known(record(r)?.channels, `routes[${i}].channels`);
  });
  known(record(root?.report)?.channels, 'report.channels');
  return problems;
}

/** `discover:` names services of its account's cloud; UCloud (whose accounts have no region) names regions. */
export function checkDiscover(doc: unknown): string[] {
  const problems: string[] = [];
  for (const [name, a] of Object.entries(record(record(doc)?.accounts) ?? {})) {
    const discover = record(record(a)?.discover);
    const cloud = cloudOf(a);
    if (!discover || cloud === undefined) continue;
    const at = `accounts.${name}.discover`;
    const services = SERVICES_BY_CLOUD[cloud];
    list(discover.services).forEach((s, i) => {
      if (typeof s === 'string' && s !== '' && !services.includes(s))
        problems.push(`${at}.services[${i}]: "${s}" is not a ${cloud} service; use ${services.join(' or ')}`);
    });
    if (cloud === 'ucloud' && list(discover.regions).length === 0)
      problems.push(`${at}.regions: required for ucloud (its API lists instances per Region), e.g. [cn-zj]`);
    const own = record(a)?.region;
    if ((cloud === 'otc' || cloud === 'huaweicloud') && typeof own === 'string') {
      list(discover.regions).forEach((r, i) => {
        if (typeof r === 'string' && r !== own) problems.push(`${at}.regions[${i}]: ${PER_REGION(r, own, name)}`);
      });
    }
  }
  return problems;
}

/** OTC and Huawei project ids are per region: an account reaches its own region only. */
const PER_REGION = (region: string, own: string, account: string): string =>
  `region ${region} differs from account "${account}"'s region ${own}; project ids are per region, so configure an account for ${region}`;

/**
 * Where a target is, against what its API needs: UCloud calls name a Region (and UPgSQL a Zone, which
 * lies in that region), and an OTC or Huawei account reaches the one region its project id belongs to.
 */
function regionProblems(at: string, cloud: Cloud, t: Readonly<Record<string, unknown>>, account: unknown, name: string): string[] {
  const problems: string[] = [];
  if (cloud === 'ucloud') {
    if (t.region == null) problems.push(`${at}.region: required for ucloud targets (the API's Region)`);
    if (t.service === 'upgsql' && t.zone == null) problems.push(`${at}.zone: required for ucloud upgsql targets (the API's Zone)`);
    // UCloud zones are named after their region: cn-zj-01 lies in cn-zj.
    if (typeof t.region === 'string' && typeof t.zone === 'string' && !t.zone.startsWith(`${t.region}-`))
      problems.push(`${at}.zone: zone ${t.zone} is not in region ${t.region} (UCloud zones are named <region>-NN, e.g. ${t.region}-01)`);
  }
  const own = record(account)?.region;
  if ((cloud === 'otc' || cloud === 'huaweicloud') && typeof t.region === 'string' && typeof own === 'string' && t.region !== own)
    problems.push(`${at}.region: ${PER_REGION(t.region, own, name)}`);
  return problems;
}

/** Cron expressions that node-cron cannot run: `schedules.*` and each target's `schedule`. */
export function checkSchedules(doc: unknown): string[] {
  const root = record(doc);
  const found: [string, unknown][] = Object.entries(record(root?.schedules) ?? {}).map(([name, expr]) => [`schedules.${name}`, expr]);
  list(root?.targets).forEach((t, i) => {
    // Most targets have none: a path is written only for one that does (a fleet has tens of thousands).
    const schedule = record(t)?.schedule;
    if (schedule !== undefined) found.push([`targets[${i}].schedule`, schedule]);
  });
  return found
    .filter(([, expr]) => typeof expr === 'string' && expr !== '' && !cron.validate(expr))
    .map(([at, expr]) => `${at}: invalid cron expression "${String(expr)}"`);
}

function record(value: unknown): Readonly<Record<string, unknown>> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

const list = (value: unknown): readonly unknown[] => (Array.isArray(value) ? value : []);

function cloudOf(account: unknown): Cloud | undefined {
  const cloud = record(account)?.cloud;
  return typeof cloud === 'string' && Object.hasOwn(SERVICES_BY_CLOUD, cloud) ? (cloud as Cloud) : undefined;
}
