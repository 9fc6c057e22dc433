import type { FleetSpec, SpecAccount } from './fleet-spec.js';
import { specTargets } from './fleet-spec.js';

/** Which credential of an account a secret is: the config field it fills. */
export type SecretField = 'accessKeyId' | 'accessKeySecret' | 'publicKey' | 'privateKey' | 'accessKey' | 'secretKey' | 'password';

export interface SimConfigOptions {
  /** The simulator's base URL, `http://127.0.0.1:<port>`: every account's `endpoint` (and `iamEndpoint`). */
  readonly url: string;
  /** Default `./backup-auditor-sim.db` (relative to the config file). */
  readonly database?: string;
  /**
   * How a secret is written, as a YAML value. Default: the literal value (simulator credentials,
   * useless anywhere else; `validate` warns about literal secrets, which is expected here).
   */
  readonly secret?: (account: SpecAccount, field: SecretField, value: string) => string;
  /** Lines before `accounts:` (after `database:`), such as `timezone: UTC`. */
  readonly head?: string;
  /** YAML appended after the targets: rules, profiles, channels, routes. */
  readonly tail?: string;
  /** The first comment line. */
  readonly title?: string;
}

/** A YAML scalar: JSON's double-quoted strings are valid YAML, and keep ids like `0483...` or `on` strings. */
const q = (value: string): string => JSON.stringify(value);

/**
 * A ready-to-use config for a fleet served at `url`: one account per simulated account, with
 * `endpoint:` pointing at the simulator, and one target per instance (missing ones included), each
 * commented with its story and the rules expected to alarm.
 */
export function simulatorConfig(spec: FleetSpec, opts: SimConfigOptions): string {
  const secret = opts.secret ?? ((_account, _field, value) => q(value));
  const lines = [
    `# ${opts.title ?? 'Written by `backup-auditor simulate`: every account points at the simulator on 127.0.0.1.'}`,
    '# The credentials are the simulator\'s own and work nowhere else.',
    `database: ${q(opts.database ?? './backup-auditor-sim.db')}`,
    ...(opts.head ? [opts.head.trimEnd()] : []),
    'accounts:',
  ];
  for (const a of spec.accounts) lines.push(...accountLines(a, opts.url, secret));
  lines.push('targets:');
  for (const t of specTargets(spec)) {
    const labels = Object.entries(t.labels).map(([k, v]) => `${k}: ${q(v)}`).join(', ');
    const fields = [
      `id: ${q(t.id)}`,
      `account: ${q(t.account)}`,
      `service: ${t.service}`,
      `instance: ${q(t.instance)}`,
      ...(t.region !== undefined ? [`region: ${q(t.region)}`] : []),
      ...(t.zone !== undefined ? [`zone: ${q(t.zone)}`] : []),
      ...(labels ? [`labels: { ${labels} }`] : []),
    ];
    const expect = t.expect === undefined ? '' : t.expect.length > 0 ? ` (expect: ${t.expect.join(', ')})` : ' (expect: no alarm)';
    const story = t.story === undefined && expect === '' ? [] : [`  # ${t.story ?? t.id}${expect}`];
    lines.push(...story, `  - { ${fields.join(', ')} }`);
  }
  if (opts.tail) lines.push(opts.tail.trimEnd());
  return `${lines.join('\n')}\n`;
}

function accountLines(a: SpecAccount, url: string, secret: NonNullable<SimConfigOptions['secret']>): string[] {
  const quota = a.rateLimit ? [`    # the simulator allows this account ${a.rateLimit.perSecond} request(s)/s${a.rateLimit.burst ? `, bursts of ${a.rateLimit.burst}` : ''}`] : [];
  const head = [`  ${a.name}:`, ...quota, `    cloud: ${a.cloud}`, `    endpoint: ${q(url)}`];
  switch (a.cloud) {
    case 'aliyun':
      return [
        ...head,
        `    regionId: ${q(a.region ?? '')}`,
        `    accessKeyId: ${secret(a, 'accessKeyId', a.accessKeyId)}`,
        `    accessKeySecret: ${secret(a, 'accessKeySecret', a.accessKeySecret)}`,
        ...(a.signatureVersion ? [`    signatureVersion: ${a.signatureVersion}`] : []),
      ];
    case 'ucloud':
      return [
        ...head,
        `    publicKey: ${secret(a, 'publicKey', a.accessKeyId)}`,
        `    privateKey: ${secret(a, 'privateKey', a.accessKeySecret)}`,
        ...(a.projectId ? [`    projectId: ${q(a.projectId)}`] : []),
      ];
    case 'otc':
    case 'huaweicloud': {
      const login = a.auth === 'password' && a.password ? a.password : undefined;
      const auth = login
        ? `{ type: password, domain: ${q(login.domain)}, user: ${q(login.user)}, password: ${secret(a, 'password', login.password)} }`
        : `{ type: aksk, accessKey: ${secret(a, 'accessKey', a.accessKeyId)}, secretKey: ${secret(a, 'secretKey', a.accessKeySecret)} }`;
      return [...head, ...(login ? [`    iamEndpoint: ${q(url)}`] : []), `    region: ${q(a.region ?? '')}`, `    projectId: ${q(a.projectId ?? '')}`, `    auth: ${auth}`];
    }
  }
}
