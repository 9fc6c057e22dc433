import type { Cloud } from '../config/schema.js';
import { paint } from './colour.js';
import type { EndpointCheck, Step, TargetProbe } from './doctor-checks.js';

/** The clock difference worth mentioning: signatures carry a timestamp, and providers allow minutes at most. */
export const CLOCK_HINT_THRESHOLD_MS = 60_000;

/** What an operator should do about a failed probe, from the kind of failure, the provider's words and the server's clock. */
export function hintFor(
  p: Pick<TargetProbe, 'kind' | 'error' | 'serverClockOffsetMs'>,
  ctx: { account: string; cloud: Cloud; timeoutMs: number },
): string | undefined {
  const text = p.error ?? '';
  let hint: string | undefined;
  switch (p.kind) {
    case undefined:
      break;
    case 'auth':
      if (/signature|VerifyAC|0301.*aksk/i.test(text)) hint = 'signature mismatch: check the secret and the clock';
      else if (/time ?stamp|expired|0303|clock/i.test(text)) hint = "the request's time was refused: check this machine's clock (NTP)";
      else if (/InvalidAccessKeyId|User Not Exists|not found|not exist/i.test(text))
        hint = 'the key id is unknown to the provider: check the key id, and that it belongs to this cloud and account';
      else hint = "credentials refused: check the key pair and that the account may list backups (the provider's permission for it)";
      break;
    case 'not-found':
      hint =
        `instance not found: check the target's instance id${ctx.cloud === 'ucloud' ? ', region and zone' : ' and region'}, ` +
        `and that account ${ctx.account} can see it`;
      break;
    case 'network':
      hint = 'cannot connect: check the endpoint URL, DNS, firewalls and proxies (the endpoint check above says which step fails)';
      break;
    case 'timeout':
      hint = `no answer within ${Math.round(ctx.timeoutMs / 1000)} s: check firewalls and proxies, or raise --timeout`;
      break;
    case 'throttled':
      hint = `the provider throttles this account: try again later, or lower accounts.${ctx.account}.rateLimit.perSecond`;
      break;
    case 'server':
      hint = 'the provider failed on its side: try again later, and check its status page';
      break;
    case 'invalid-response':
      hint = "the endpoint does not answer like the provider's API: check the endpoint URL";
      break;
    case 'config':
      hint = 'set the environment variable or fix the file path the config names, then run `backup-auditor validate`';
      break;
    case 'client':
      hint = `the provider refused the request: check the target's service, region, zone and account ${ctx.account}'s projectId`;
      break;
    default:
      hint = 'unexpected: run with BACKUP_AUDITOR_LOG=debug and report it';
  }
  const offset = p.serverClockOffsetMs;
  if (offset !== undefined && Math.abs(offset) > CLOCK_HINT_THRESHOLD_MS) {
    const clock =
      `server time differs by ${Math.round(Math.abs(offset) / 60_000)} min ` +
      `(${offset > 0 ? 'this machine is behind' : 'this machine is ahead'})`;
    hint = hint ? `${hint}; ${clock}` : clock;
  }
  return hint;
}

/** `tcp 2ms`, or `tcp failed (ECONNREFUSED ...)`. */
export const stepText = (name: string, s: Step | undefined): string | undefined =>
  s && (s.ok ? `${name} ${s.ms}ms` : `${name} failed (${s.error ?? 'error'})`);

/** `dns 0ms · tcp 1ms · tls 40ms`, or where it stopped. */
export function endpointLine(e: EndpointCheck): string {
  return [stepText('dns', e.dns), stepText('tcp', e.tcp), stepText('tls', e.tls)].filter(Boolean).join(' · ') || 'not checked';
}

/** One row of the targets table. */
export interface TargetRow {
  readonly account: string;
  readonly target: string;
  readonly probe: TargetProbe | { readonly skipped: string };
  readonly hint?: string;
}

const yesNo = (v: boolean | null | undefined, colour: boolean): string =>
  v === true ? paint(colour, 'green', 'yes') : v === false ? paint(colour, 'red', 'NO') : '-';

/** The targets table; problems are numbered under it with the provider's full message and the hint. */
export function targetTable(rows: readonly TargetRow[], colour: boolean): string[] {
  const problems: string[] = [];
  const cells = rows.map((r) => {
    const p = 'skipped' in r.probe ? undefined : r.probe;
    let result = paint(colour, 'green', 'ok');
    if ('skipped' in r.probe) result = paint(colour, 'yellow', `not tried: ${r.probe.skipped}`);
    else if (p?.error) {
      problems.push(`[${problems.length + 1}] ${r.account} / ${r.target}: ${p.error}${r.hint ? `\n    hint: ${r.hint}` : ''}`);
      result = paint(colour, 'red', `FAILED [${problems.length}]`);
    }
    return [
      r.account,
      r.target,
      yesNo(p?.authOk, colour),
      yesNo(p?.instanceFound, colour),
      p?.backupsSeen == null ? '-' : String(p.backupsSeen),
      p?.latencyMs == null ? '-' : `${p.latencyMs} ms`,
      result,
    ];
  });
  const header = ['ACCOUNT', 'TARGET', 'AUTH OK', 'INSTANCE FOUND', 'BACKUPS SEEN', 'LATENCY', 'RESULT'];
  const strip = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '');
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => strip(c[i] as string).length)));
  const line = (c: readonly string[]) =>
    c.map((x, i) => (i === c.length - 1 ? x : x + ' '.repeat((widths[i] as number) - strip(x).length))).join('  ');
  return [colour ? paint(true, 'bold', line(header)) : line(header), ...cells.map(line), ...(problems.length > 0 ? ['', ...problems] : [])];
}
