import { Fleet } from '../src/simulator/index.js';

// The fleet the scan figures (2, 2b) poll: instances on the five simulated APIs, spread over a few
// accounts per API, each account under one rate limit that the config and the simulated cloud share.

const HOUR = 3_600_000;

/** The shape of a scan fleet: how many instances and accounts, and each account's limit. */
export interface ScanShape {
  /** Instances on each API (targets = 5 × perApi). */
  readonly perApi: number;
  /** Accounts on each API; an API's instances go to its accounts in turn. */
  readonly accountsPerApi: number;
  /** Each account's limit, requests a second: the config's `rateLimit` and the simulated cloud's quota alike. */
  readonly perSecond: number;
}

export const SCAN_APIS = [
  { key: 'ali', cloud: 'aliyun', service: 'rds', region: 'cn-hangzhou' },
  { key: 'ucpg', cloud: 'ucloud', service: 'upgsql', region: 'cn-bj2', zone: 'cn-bj2-04' },
  { key: 'uctidb', cloud: 'ucloud', service: 'tidb', region: 'cn-bj2' },
  { key: 'otc', cloud: 'otc', service: 'rds', region: 'eu-de', project: '0483b6b16e954cb88930a360d2c4e663' },
  { key: 'hw', cloud: 'huaweicloud', service: 'dds', region: 'ap-southeast-1', project: '77b6a44cba5143ab91d13ab9a8ff44fd' },
] as const;
type ScanApi = (typeof SCAN_APIS)[number];

const STATUS: Record<string, string> = { aliyun: 'Success', ucloud: 'Success', otc: 'COMPLETED', huaweicloud: 'COMPLETED' };

/** Accounts in all: the floor's divisor. */
export const scanAccounts = (shape: ScanShape): number => SCAN_APIS.length * shape.accountsPerApi;
/** Targets in all; each lists one page, so also the requests a scan needs. */
export const scanTargets = (shape: ScanShape): number => SCAN_APIS.length * shape.perApi;
/** The rate-limit floor of one scan, in seconds: every request at the accounts' combined limit. */
export const scanFloorS = (shape: ScanShape): number => scanTargets(shape) / (scanAccounts(shape) * shape.perSecond);

const accountName = (api: ScanApi, a: number): string => `${api.key}${a + 1}`;
const accessKey = (api: ScanApi, a: number): string => `AK${api.key.toUpperCase()}SCAN${String(a + 1).padStart(4, '0')}`;
const secret = (api: ScanApi, a: number): string => `sk-${api.key}-scan-${a + 1}`;

/** The simulated clouds: every account with the same quota, `perApi` instances an API with 10 daily backups each. */
export function scanFleet(shape: ScanShape, now: number): Fleet {
  const fleet = new Fleet();
  for (const api of SCAN_APIS) {
    for (let a = 0; a < shape.accountsPerApi; a++) {
      // The simulated clouds enforce the same limit: a poll that outran our limiter would fail as throttled.
      fleet.addAccount({
        cloud: api.cloud,
        accessKeyId: accessKey(api, a),
        accessKeySecret: secret(api, a),
        rateLimit: { perSecond: shape.perSecond, burst: 10 },
        ...('project' in api && { projectId: api.project }),
      });
    }
    for (let i = 0; i < shape.perApi; i++) {
      fleet.addInstance({
        cloud: api.cloud,
        service: api.service,
        id: `${api.key}-${i}`,
        regionId: api.region,
        ...('zone' in api && { zone: api.zone }),
        backups: Array.from({ length: 10 }, (_, d) => ({
          status: STATUS[api.cloud] as string,
          kind: 'full' as const,
          mode: 'Automated' as const,
          startedAt: now - d * 24 * HOUR - 2 * HOUR,
          endedAt: now - d * 24 * HOUR - HOUR,
          sizeBytes: 1024 ** 3,
        })),
      });
    }
  }
  return fleet;
}

function accountYaml(api: ScanApi, a: number, perSecond: number, endpoint: string): string {
  const rate = `rateLimit: { perSecond: ${perSecond} }, endpoint: "${endpoint}"`;
  const [name, ak, sk] = [accountName(api, a), accessKey(api, a), secret(api, a)];
  if (api.cloud === 'aliyun')
    return `  ${name}: { cloud: aliyun, regionId: ${api.region}, accessKeyId: ${ak}, accessKeySecret: ${sk}, ${rate} }`;
  if (api.cloud === 'ucloud') return `  ${name}: { cloud: ucloud, publicKey: ${ak}, privateKey: ${sk}, ${rate} }`;
  return (
    `  ${name}: { cloud: ${api.cloud}, region: ${api.region}, projectId: ${'project' in api ? api.project : ''}, ` +
    `auth: { type: aksk, accessKey: ${ak}, secretKey: ${sk} }, ${rate}, iamEndpoint: "${endpoint}" }`
  );
}

/** The accounts and targets of the config (YAML) for the simulator at `endpoint`. */
export function scanConfigYaml(shape: ScanShape, endpoint: string): string {
  const accounts = SCAN_APIS.flatMap((api) =>
    Array.from({ length: shape.accountsPerApi }, (_, a) => accountYaml(api, a, shape.perSecond, endpoint)),
  );
  const targets = SCAN_APIS.flatMap((api) =>
    Array.from(
      { length: shape.perApi },
      (_, i) =>
        `  - { id: ${api.key}-${i}, account: ${accountName(api, i % shape.accountsPerApi)}, service: ${api.service}, ` +
        `instance: ${api.key}-${i}${api.cloud === 'ucloud' ? `, region: ${api.region}` : ''}` +
        `${'zone' in api ? `, zone: ${api.zone}` : ''} }`,
    ),
  );
  return `accounts:\n${accounts.join('\n')}\ntargets:\n${targets.join('\n')}\n`;
}
