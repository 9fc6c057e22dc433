import { SERVICES_BY_CLOUD, type Config } from './schema.js';

/** Checks what the schema alone cannot: names that must refer to something defined elsewhere in the file. */
export function checkReferences(config: Config): string[] {
  const problems: string[] = [];
  const seen = new Map<string, number>();
  config.targets.forEach((t, i) => {
    const at = `targets[${i}]`;
    const dup = seen.get(t.id);
    if (dup !== undefined) problems.push(`${at}.id: duplicate target id "${t.id}" (also targets[${dup}])`);
    else seen.set(t.id, i);
    const account = config.accounts[t.account];
    if (!account) {
      problems.push(`${at}.account: unknown account "${t.account}"; defined: ${Object.keys(config.accounts).join(', ') || 'none'}`);
      return;
    }
    const services = SERVICES_BY_CLOUD[account.cloud];
    if (!services.includes(t.service)) {
      problems.push(`${at}.service: "${t.service}" is not a ${account.cloud} service (account "${t.account}"); use ${services.join(' or ')}`);
    }
    if (account.cloud === 'ucloud') {
      if (!t.region) problems.push(`${at}.region: required for ucloud targets (the API's Region)`);
      if (t.service === 'upgsql' && !t.zone) problems.push(`${at}.zone: required for ucloud upgsql targets (the API's Zone)`);
    }
  });
  const channels = new Set(Object.keys(config.channels));
  const known = (list: readonly string[], at: string) =>
    list.forEach((c, j) => {
      if (!channels.has(c)) problems.push(`${at}[${j}]: unknown channel "${c}"; defined: ${[...channels].join(', ') || 'none'}`);
    });
  config.routes.forEach((r, i) => known(r.channels, `routes[${i}].channels`));
  known(config.report.channels, 'report.channels');
  return problems;
}
