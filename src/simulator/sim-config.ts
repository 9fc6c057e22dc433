import type { FleetSpec, SpecAccount } from './fleet-spec.js';
import { specTargets, specUntargeted } from './fleet-spec.js';

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
  /**
   * Give every account `discover: { autoTargets: false }` (UCloud: with the regions of its instances),
   * so a run lists each account's instances and judges `coverage` and `backup-policy`. Default false.
   */
  readonly discover?: boolean;
}

/** A YAML scalar: JSON's double-quoted strings are valid YAML, and keep ids like `0483...` or `on` strings. */
const q = (value: string): string => JSON.stringify(value);

/**
 * A ready-to-use config for a fleet served at `url`: one account per simulated account, with
 * `endpoint:` pointing at the simulator, and one target per instance (missing ones included; replicas
 * and untargeted ones listed in a comment), each commented with its story and the rules expected to alarm.
 */
export function simulatorConfig(spec: FleetSpec, opts: SimConfigOptions): string {
  const secret = opts.secret ?? ((_account, _field, value) => q(value));
  const lines = [
    `# ${opts.title ?? 'Written by `backup-auditor simulate`: every account points at the simulator on 127.0.0.1.'}`,
    "# The credentials are the simulator's own and work nowhere else.",
    `database: ${q(opts.database ?? './backup-auditor-sim.db')}`,
    ...(opts.head ? [opts.head.trimEnd()] : []),
    'accounts:',
  ];
  for (const a of spec.accounts) lines.push(...accountLines(a, opts.url, secret), ...(opts.discover ? discoverLines(spec, a) : []));
  lines.push('targets:');
  for (const t of specTargets(spec)) {
    const labels = Object.entries(t.labels)
      .map(([k, v]) => `${k}: ${q(v)}`)
      .join(', ');
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
  const untargeted = specUntargeted(spec);
  if (untargeted.length > 0) {
    lines.push(`# At the provider, but not targets${opts.discover ? ' (discovery lists them)' : ''}:`);
    for (const u of untargeted) {
      const story = u.story ?? (u.replicaOf ? `read replica of ${u.replicaOf}` : 'no target audits it');
      lines.push(`#   ${u.id}: ${story} (expect: ${u.expect.length > 0 ? u.expect.join(', ') : 'no alarm'})`);
    }
  }
  if (opts.tail) lines.push(opts.tail.trimEnd());
  return `${lines.join('\n')}\n`;
}

/** `discover:` for one account; UCloud lists per region, so it names its instances' regions (none known: no discover). */
function discoverLines(spec: FleetSpec, a: SpecAccount): string[] {
  if (a.cloud !== 'ucloud') return ['    discover: { autoTargets: false }'];
  const regions = [
    ...new Set(spec.instances.filter((i) => i.account === a.name && i.region !== undefined).map((i) => i.region as string)),
  ].sort();
  return regions.length > 0 ? [`    discover: { autoTargets: false, regions: [${regions.map(q).join(', ')}] }`] : [];
}

function accountLines(a: SpecAccount, url: string, secret: NonNullable<SimConfigOptions['secret']>): string[] {
  const quota = a.rateLimit
    ? [
        `    # the simulator allows this account ${a.rateLimit.perSecond} request(s)/s` +
          `${a.rateLimit.burst ? `, bursts of ${a.rateLimit.burst}` : ''}`,
      ]
    : [];
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
      return [
        ...head,
        ...(login ? [`    iamEndpoint: ${q(url)}`] : []),
        `    region: ${q(a.region ?? '')}`,
        `    projectId: ${q(a.projectId ?? '')}`,
        `    auth: ${auth}`,
      ];
    }
  }
}
