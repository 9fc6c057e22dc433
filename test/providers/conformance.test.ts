import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AccountConfig } from '../../src/config/schema.js';
import { manualClock } from '../../src/core/clock.js';
import { ProviderError } from '../../src/core/errors.js';
import type { NormalizedBackup } from '../../src/domain/backup.js';
import { backupSources } from '../../src/providers/registry.js';
import type { PollTarget, ProviderContext } from '../../src/providers/types.js';
import {
  buildFleet,
  type FleetSpec,
  providerStatus,
  type SimApiId,
  type SimBackupInput,
  type Simulator,
  startSimulator,
} from '../../src/simulator/index.js';
import { collectPages, testProviderContext } from '../helpers/provider-context.js';
import { rejectionOf } from '../helpers/rejection.js';

// One suite, every registered adapter, the same simulator: what the BackupSource port promises
// (normalized fields, paging, error classes, retries, timeouts, no secrets in errors) holds for each.

const NOW = Date.parse('2026-03-01T06:00:00Z');
const H = 3_600_000;
const MIB = 1024 ** 2;

const SECRETS = {
  ali: 'ali-conformance-secret-7Hq2',
  uc: '6c1f0e2d9b84d77a6e5f4c3b2a1908f7e6d5c4b1',
  otcPassword: 'Otc-conformance-pw-9k',
  otcSk: 'otcConformanceSecretKey0000000000000000001',
  hw: 'hwConformanceSecretKey00000000000000000002',
} as const;
const UC_PUBLIC_KEY = 'conformance@example.invalid1296235120854146120';

const spec = (instances: FleetSpec['instances']): FleetSpec => ({
  accounts: [
    { name: 'ali', cloud: 'aliyun', region: 'cn-hangzhou', accessKeyId: 'LTAI5tConformance01', accessKeySecret: SECRETS.ali },
    { name: 'uc', cloud: 'ucloud', accessKeyId: UC_PUBLIC_KEY, accessKeySecret: SECRETS.uc },
    {
      name: 'otc',
      cloud: 'otc',
      region: 'eu-de',
      projectId: '0483b6b16e954cb88930a360d2c4e663',
      accessKeyId: 'OTCCONFORMANCEAK0001',
      accessKeySecret: SECRETS.otcSk,
      password: { domain: 'acme', user: 'auditor', password: SECRETS.otcPassword },
    },
    {
      name: 'hw',
      cloud: 'huaweicloud',
      region: 'ap-southeast-1',
      projectId: '77b6a44cba5143ab91d13ab9a8ff44fd',
      accessKeyId: 'HWCONFORMANCEAK00001',
      accessKeySecret: SECRETS.hw,
    },
  ],
  instances,
});

/** How each adapter is reached: its account (with a way to break its credential), a target, its page size. */
interface Harness {
  readonly account: (url: string, badCredential?: boolean) => AccountConfig;
  /** The access key the simulator counts its rate limit against. */
  readonly accessKeyId: string;
  readonly target: (instance: string) => PollTarget;
  readonly pageSize: number;
  readonly fleetAccount: string;
  readonly zone?: string;
  readonly region?: string;
  /** Whether the API lists running backups at all (Alibaba lists finished ones only). */
  readonly listsRunning: boolean;
  /** What a full backup normalizes to: TiDB's BackupType values are undocumented, so its kind stays unknown. */
  readonly fullKind: 'full' | 'unknown';
}

/** The one UCloud account both UCloud APIs are reached with. */
const ucloudAccount = (url: string, bad?: boolean): AccountConfig => ({
  cloud: 'ucloud',
  publicKey: UC_PUBLIC_KEY,
  privateKey: bad ? 'not-the-private-key' : SECRETS.uc,
  endpoint: url,
});

const HARNESS: Record<SimApiId, Harness> = {
  'aliyun/rds': {
    account: (url, bad) => ({
      cloud: 'aliyun',
      regionId: 'cn-hangzhou',
      accessKeyId: 'LTAI5tConformance01',
      accessKeySecret: bad ? 'not-the-secret' : SECRETS.ali,
      endpoint: url,
    }),
    accessKeyId: 'LTAI5tConformance01',
    target: (instance) => ({ id: `t-${instance}`, service: 'rds', instance }),
    pageSize: 100,
    fleetAccount: 'ali',
    listsRunning: false,
    fullKind: 'full',
  },
  'ucloud/upgsql': {
    account: ucloudAccount,
    accessKeyId: UC_PUBLIC_KEY,
    target: (instance) => ({ id: `t-${instance}`, service: 'upgsql', instance, region: 'cn-bj2', zone: 'cn-bj2-04' }),
    pageSize: 100,
    fleetAccount: 'uc',
    region: 'cn-bj2',
    zone: 'cn-bj2-04',
    listsRunning: true,
    fullKind: 'full',
  },
  'ucloud/tidb': {
    account: ucloudAccount,
    accessKeyId: UC_PUBLIC_KEY,
    target: (instance) => ({ id: `t-${instance}`, service: 'tidb', instance, region: 'cn-bj2' }),
    pageSize: 30,
    fleetAccount: 'uc',
    region: 'cn-bj2',
    listsRunning: true,
    fullKind: 'unknown',
  },
  'otc/rds': {
    // IAM password login: the token path (IAM, X-Subject-Token, X-Auth-Token) is what this adapter is checked on.
    account: (url, bad) => ({
      cloud: 'otc',
      region: 'eu-de',
      projectId: '0483b6b16e954cb88930a360d2c4e663',
      auth: { type: 'password', domain: 'acme', user: 'auditor', password: bad ? 'not-the-password' : SECRETS.otcPassword },
      endpoint: url,
      iamEndpoint: url,
    }),
    accessKeyId: 'OTCCONFORMANCEAK0001',
    target: (instance) => ({ id: `t-${instance}`, service: 'rds', instance }),
    pageSize: 100,
    fleetAccount: 'otc',
    listsRunning: true,
    fullKind: 'full',
  },
  'huaweicloud/dds': {
    account: (url, bad) => ({
      cloud: 'huaweicloud',
      region: 'ap-southeast-1',
      projectId: '77b6a44cba5143ab91d13ab9a8ff44fd',
      auth: { type: 'aksk', accessKey: 'HWCONFORMANCEAK00001', secretKey: bad ? 'not-the-secret-key' : SECRETS.hw },
      endpoint: url,
    }),
    accessKeyId: 'HWCONFORMANCEAK00001',
    target: (instance) => ({ id: `t-${instance}`, service: 'dds', instance }),
    pageSize: 100,
    fleetAccount: 'hw',
    listsRunning: true,
    fullKind: 'full',
  },
};

const API_IDS = Object.keys(HARNESS) as SimApiId[];
const slug = (api: SimApiId) => api.replace('/', '-');

/**
 * Newest first: a completed automated backup, a failed one, a running one (where listed), a manual one.
 * Sizes in whole MiB, exact in every unit.
 */
function sampleBackups(h: Harness): SimBackupInput[] {
  return [
    {
      status: 'completed',
      kind: 'full',
      mode: 'Automated',
      startedAt: NOW - 2 * H,
      endedAt: NOW - H - 17_000,
      sizeBytes: 10 * 1024 * MIB + 3 * MIB,
    },
    { status: 'failed', kind: 'full', mode: 'Automated', startedAt: NOW - 26 * H, endedAt: NOW - 25 * H, sizeBytes: 0 },
    ...(h.listsRunning
      ? [{ status: 'running', kind: 'full', mode: 'Automated', startedAt: NOW - 50 * H, endedAt: null, sizeBytes: 0 } as const]
      : []),
    { status: 'completed', kind: 'full', mode: 'Manual', startedAt: NOW - 74 * H, endedAt: NOW - 73 * H + 59_000, sizeBytes: 7 * MIB },
  ];
}

const pagedCount = (h: Harness) => h.pageSize * 2 + 7;

const fleetSpec = spec(
  API_IDS.flatMap((api) => {
    const h = HARNESS[api];
    const service = api.split('/')[1] as string;
    const where = { account: h.fleetAccount, service, ...(h.region && { region: h.region }), ...(h.zone && { zone: h.zone }) };
    const paged = Array.from(
      { length: pagedCount(h) },
      (_, i): SimBackupInput => ({
        status: 'completed',
        kind: 'full',
        mode: 'Automated',
        startedAt: NOW - (i + 1) * H,
        endedAt: NOW - (i + 1) * H + 600_000,
        sizeBytes: (i + 1) * MIB,
      }),
    );
    return [
      { id: `${slug(api)}-sample`, ...where, backups: sampleBackups(h) },
      { id: `${slug(api)}-paged`, ...where, backups: paged },
    ];
  }),
);

describe('the provider conformance suite', () => {
  it('covers every registered adapter', () => {
    expect([...backupSources.ids].sort()).toEqual([...API_IDS].sort());
  });
});

describe.each(API_IDS)('%s, against the simulator', (api) => {
  const h = HARNESS[api];
  const adapter = backupSources.get(api);
  const clock = manualClock(NOW);
  let sim: Simulator;
  /** Every error any test saw: none may carry a secret. */
  const errors: unknown[] = [];

  beforeAll(async () => {
    sim = await startSimulator({ fleet: buildFleet(fleetSpec), clock });
  });
  afterEach(() => {
    sim.faults.clear();
    sim.fleet.setRateLimit(h.accessKeyId, undefined);
    sim.requests.reset();
  });
  afterAll(async () => {
    await sim.close();
  });

  const ctx = (over: Partial<ProviderContext> = {}) => testProviderContext({ clock, ...over });
  const list = (instance: string, opts: { bad?: boolean; ctx?: ProviderContext } = {}) =>
    collectPages(adapter.list(h.account(sim.url, opts.bad), 'acct', h.target(instance), opts.ctx ?? ctx()));
  const failure = async (run: Promise<unknown>): Promise<ProviderError> => {
    const err = await rejectionOf(run);
    errors.push(err);
    expect(err).toBeInstanceOf(ProviderError);
    return err as ProviderError;
  };
  const requestsTo = () => sim.requests.of(api);

  it('normalizes every field: string ids, mapped statuses, UTC instants in ms, sizes in bytes', async () => {
    const pages = await list(`${slug(api)}-sample`);

    const items = pages.flatMap((p) => p.items);
    const expected = sampleBackups(h);
    expect(pages.at(-1)?.total).toBe(expected.length);
    expect(items.map((b) => b.backupId).every((id) => typeof id === 'string' && id.trim() !== '')).toBe(true);
    expect(new Set(items.map((b) => b.backupId)).size).toBe(expected.length);
    const view = (b: NormalizedBackup) => ({
      status: b.status,
      kind: b.kind,
      trigger: b.trigger,
      startedAt: b.startedAt,
      endedAt: b.endedAt,
      sizeBytes: b.sizeBytes,
    });
    expect(items.map(view)).toEqual(
      expected.map((b) => ({
        status: b.status,
        kind: h.fullKind,
        trigger: b.mode === 'Manual' ? 'manual' : 'automated',
        startedAt: b.startedAt,
        endedAt: b.endedAt,
        sizeBytes: b.sizeBytes,
      })),
    );
    expect(items.map((b) => b.rawStatus)).toEqual(expected.map((b) => providerStatus(api, b.status)));
    expect(items.every((b) => (b.problems ?? []).length === 0)).toBe(true);
  });

  it('pages through several pages until the total, once each', async () => {
    const pages = await list(`${slug(api)}-paged`);

    const ids = pages.flatMap((p) => p.items.map((b) => b.backupId));
    expect(pages).toHaveLength(3);
    expect(ids).toHaveLength(pagedCount(h));
    expect(new Set(ids).size).toBe(pagedCount(h));
    expect(requestsTo().filter((r) => r.status === 200)).toHaveLength(3);
  });

  it('fails a wrong credential as a permanent auth error, without retrying', async () => {
    const err = await failure(list(`${slug(api)}-sample`, { bad: true }));

    expect(err).toMatchObject({ kind: 'auth', permanent: true });
    expect(sim.requests.total).toBe(1);
  });

  it('fails an instance the provider does not know as a permanent not-found', async () => {
    const err = await failure(list(`${slug(api)}-no-such-instance`));

    expect(err).toMatchObject({ kind: 'not-found', permanent: true });
  });

  it("retries the provider's throttling answer and then lists everything", async () => {
    sim.faults.failNext(2, 'throttle', { api });
    const c = ctx();

    const pages = await list(`${slug(api)}-sample`, { ctx: c });

    expect(pages.flatMap((p) => p.items)).toHaveLength(sampleBackups(h).length);
    expect(c.waits).toHaveLength(2);
    expect(requestsTo().filter((r) => r.fault === 'throttle')).toHaveLength(2);
  });

  it("keeps to the account's rate limit in the simulator by retrying its throttling errors", async () => {
    sim.fleet.setRateLimit(h.accessKeyId, { perSecond: 2, burst: 1 });
    // Waiting is what refills the quota: the context's sleep moves the shared clock on.
    const c = ctx({ sleep: async (ms) => void clock.advance(ms) });

    const pages = await list(`${slug(api)}-paged`, { ctx: c });

    expect(pages.flatMap((p) => p.items)).toHaveLength(pagedCount(h));
    const refused = requestsTo().filter((r) => r.rateLimited);
    expect(refused.length).toBeGreaterThan(0);
    // Each provider's own throttling answer: Alibaba HTTP 400, UCloud 200 with RetCode 153, the gateway 429.
    const status = { 'aliyun/rds': 400, 'ucloud/upgsql': 200, 'ucloud/tidb': 200, 'otc/rds': 429, 'huaweicloud/dds': 429 }[api];
    expect(new Set(refused.map((r) => r.status))).toEqual(new Set([status]));
  });

  it('retries a request that timed out and then lists everything', async () => {
    sim.faults.failNext(1, 'timeout', { api });

    const pages = await list(`${slug(api)}-sample`, { ctx: ctx({ timeoutMs: 150 }) });

    expect(pages.flatMap((p) => p.items)).toHaveLength(sampleBackups(h).length);
    expect(requestsTo().map((r) => r.fault ?? 'answered')).toEqual(['timeout', 'answered']);
  });

  it('reports `timeout`, transient, once every attempt timed out', async () => {
    sim.faults.failNext(5, 'timeout', { api });

    const err = await failure(list(`${slug(api)}-sample`, { ctx: ctx({ timeoutMs: 100 }) }));

    expect(err).toMatchObject({ kind: 'timeout', permanent: false });
    expect(requestsTo()).toHaveLength(5);
  });

  it('puts no secret in any error it raised', () => {
    expect(errors.length).toBeGreaterThanOrEqual(3);
    for (const err of errors) {
      const e = err as Error & { cause?: unknown };
      const text = [e.message, String(e.stack), JSON.stringify(err), String((e.cause as Error | undefined)?.message ?? '')].join('\n');
      for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
      expect(text).not.toMatch(/MIIsim/); // nor an IAM token
    }
  });
});
