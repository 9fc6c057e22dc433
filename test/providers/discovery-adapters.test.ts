import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/core/clock.js';
import type { ProviderError } from '../../src/core/errors.js';
import type { DiscoveredInstance, DiscoveryScope } from '../../src/providers/discovery-types.js';
import type { HuaweicloudAccount, OtcAccount } from '../../src/providers/huaweicloud/gateway-client.js';
import { huaweiDdsInstances, otcRdsInstances } from '../../src/providers/huaweicloud/instances.js';
import type { UcloudAccount } from '../../src/providers/ucloud/client.js';
import { ucloudTidbInstances, ucloudUpgsqlInstances } from '../../src/providers/ucloud/instances.js';
import { type FaultName, Fleet, type Simulator, setInstanceInfo, startSimulator } from '../../src/simulator/index.js';
import { discoveredInstance } from '../helpers/discovered-instance.js';
import {
  ddsAkskAccount,
  HW_AK,
  HW_PROJECT,
  HW_REGION,
  HW_SK,
  OTC_AK,
  OTC_LOGIN,
  OTC_PROJECT,
  OTC_REGION,
  OTC_SK,
  otcAkskAccount,
  otcPasswordAccount,
} from '../helpers/huawei-sim.js';
import { type TestProviderContext, testProviderContext } from '../helpers/provider-context.js';
import { listingError } from '../helpers/rejection.js';
import { UC_PRIVATE_KEY, UC_PUBLIC_KEY, UC_REGION, ucloudAccountFor } from '../helpers/ucloud-sim.js';

const NOW = Date.parse('2026-03-01T06:00:00Z');
const UC_OTHER_REGION = 'cn-bj2';
const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(3, '0')}`);
const OFF = { keepDays: 0, window: '02:00-03:00', weekdays: [] };
const CUSTOM = { keepDays: 5, window: '22:30-23:30', weekdays: [1, 3, 5] };

/**
 * One fleet for every service, 130 instances each (two pages of 100 where the API pages), with a
 * read replica, a deleted instance, one policy switched off and one custom policy per service.
 */
function discoveryFleet(): Fleet {
  const fleet = new Fleet();
  fleet.addAccount({ cloud: 'ucloud', accessKeyId: UC_PUBLIC_KEY, accessKeySecret: UC_PRIVATE_KEY });
  fleet.addAccount({ cloud: 'otc', accessKeyId: OTC_AK, accessKeySecret: OTC_SK, projectId: OTC_PROJECT, password: OTC_LOGIN });
  fleet.addAccount({ cloud: 'huaweicloud', accessKeyId: HW_AK, accessKeySecret: HW_SK, projectId: HW_PROJECT });
  const add = (cloud: 'ucloud' | 'otc' | 'huaweicloud', service: string, regionId: string, prefix: string) => {
    for (const id of ids(prefix, 130)) fleet.addInstance({ cloud, service, id, regionId, name: `${id}-name` });
    for (const extra of ['replica', 'gone']) fleet.addInstance({ cloud, service, id: `${prefix}-${extra}`, regionId });
    setInstanceInfo(fleet, `${prefix}-replica`, { replicaOf: `${prefix}-000` });
    setInstanceInfo(fleet, `${prefix}-gone`, { deleted: true });
    setInstanceInfo(fleet, `${prefix}-001`, { policy: OFF });
    setInstanceInfo(fleet, `${prefix}-002`, { policy: CUSTOM });
  };
  add('ucloud', 'upgsql', UC_REGION, 'pg');
  fleet.addInstance({ cloud: 'ucloud', service: 'upgsql', id: 'pg-bj', regionId: UC_OTHER_REGION });
  add('ucloud', 'tidb', UC_REGION, 'tidb');
  add('otc', 'rds', OTC_REGION, 'rds');
  add('huaweicloud', 'dds', HW_REGION, 'dds');
  return fleet;
}

let sim: Simulator;
let ctx: TestProviderContext;
const clock = manualClock(NOW);
beforeEach(async () => {
  clock.set(NOW);
  sim = await startSimulator({ fleet: discoveryFleet(), clock });
  ctx = testProviderContext({ clock });
});
afterEach(async () => {
  await sim.close();
});

const uc = (over: Partial<UcloudAccount> = {}): UcloudAccount => ucloudAccountFor(sim.url, over);
const otcAksk = (secretKey?: string): OtcAccount => otcAkskAccount(sim.url, secretKey);
const otcPassword = (password?: string): OtcAccount => otcPasswordAccount(sim.url, password);
const dds = (secretKey?: string): HuaweicloudAccount => ddsAkskAccount(sim.url, secretKey);
const scope: DiscoveryScope = { regions: [UC_REGION] };

/** A context whose `after`-th answer and every later one get `fault`: the first pages stay good. */
function faultAfter(after: number, fault: FaultName, api: string): TestProviderContext {
  let answers = 0;
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const res = await globalThis.fetch(input, init);
    if (++answers === after) sim.faults.failNext(1_000, fault, { api });
    return res;
  };
  return testProviderContext({ clock, fetch });
}

const byId = (list: DiscoveredInstance[], id: string) => list.find((i) => i.instance === id);
const primaries = (prefix: string) => [...ids(prefix, 130), `${prefix}-replica`].sort();

/** What `list` would have returned for a primary, enough for `policy`. */
const stub = (id: string): DiscoveredInstance => discoveredInstance(id, { region: UC_REGION });

describe('UCloud UPgSQL discovery (ListUPgSQLInstance, GetUPgSQLInstance)', () => {
  it('lists every instance in one call per region, replicas with their primary, and leaves Deleted ones out', async () => {
    const bodies: string[] = [];
    ctx = testProviderContext({
      clock,
      fetch: async (input, init) => {
        const res = await globalThis.fetch(input, init);
        bodies.push(await res.clone().text());
        return res;
      },
    });
    const list = await ucloudUpgsqlInstances.list(uc(), 'uc', { regions: [UC_REGION, UC_OTHER_REGION] }, ctx);

    expect(list.map((i) => i.instance).sort()).toEqual([...primaries('pg'), 'pg-bj'].sort());
    expect(byId(list, 'pg-replica')).toMatchObject({ replica: true, primary: 'pg-000', region: UC_REGION });
    expect(byId(list, 'pg-000')).toMatchObject({ replica: false, primary: null, status: 'Running', name: 'pg-000-name' });
    expect(byId(list, 'pg-bj')).toMatchObject({ region: UC_OTHER_REGION });
    expect(list.some((i) => i.status === 'Deleted')).toBe(false);
    // The simulator does list it as Deleted: the adapter is what leaves it out.
    expect(bodies.join('\n')).toMatch(/"InstanceID":"pg-gone"[^}]*"State":"Deleted"/);
    expect(sim.requests.of('ucloud/instances').map((r) => r.params.Region)).toEqual([UC_REGION, UC_OTHER_REGION]);
  });

  it('reads BackupCount as a count of files, BackupBeginTime as a one-hour window and BackupDate as weekdays', async () => {
    const [custom, off, dflt] = await Promise.all(
      ['pg-002', 'pg-001', 'pg-003'].map((id) => ucloudUpgsqlInstances.policy(uc(), 'uc', stub(id), ctx)),
    );

    expect(custom).toEqual({
      automated: true,
      retentionDays: 5,
      retentionIsCount: true,
      window: { startMinute: 1320, endMinute: 1380 },
      weekdays: [1, 3, 5],
      source: 'GetUPgSQLInstance',
    });
    expect(off).toMatchObject({ automated: false, retentionDays: 0, retentionIsCount: true, weekdays: [] });
    expect(dflt).toMatchObject({
      automated: true,
      retentionDays: 7,
      weekdays: [0, 1, 2, 3, 4, 5, 6],
      window: { startMinute: 120, endMinute: 180 },
    });
  });
});

describe('UCloud TiDB discovery (ListTiDBClusterService)', () => {
  it('pages with Offset/Limit as text until a short page, leaves Deleted clusters out, and says no policy is exposed', async () => {
    const list = await ucloudTidbInstances.list(uc(), 'uc', scope, ctx);

    // tidb-gone is listed as Deleted (it takes a place in the paging) and left out.
    expect(list.map((i) => i.instance).sort()).toEqual(primaries('tidb'));
    expect(list).toHaveLength(131);
    expect(sim.requests.of('ucloud/instances').map((r) => [r.params.Offset, r.params.Limit])).toEqual([
      ['0', '100'],
      ['100', '100'],
    ]);
    expect(byId(list, 'tidb-001')?.policy).toEqual({ unavailable: expect.stringContaining('AutoBackup: "Disable"') });
    expect(await ucloudTidbInstances.policy(uc(), 'uc', stub('tidb-000'), ctx)).toEqual({
      unavailable: expect.stringContaining('no backup policy'),
    });
  });
});

const none: DiscoveryScope = { regions: [] };
describe.each([
  {
    label: 'OTC RDS (AK/SK)',
    prefix: 'rds',
    iam: false,
    list: () => otcRdsInstances.list(otcAksk(), 'gw', none, ctx),
    policy: (i: DiscoveredInstance) => otcRdsInstances.policy(otcAksk(), 'gw', i, ctx),
  },
  {
    label: 'OTC RDS (IAM password token)',
    prefix: 'rds',
    iam: true,
    list: () => otcRdsInstances.list(otcPassword(), 'gw', none, ctx),
    policy: (i: DiscoveredInstance) => otcRdsInstances.policy(otcPassword(), 'gw', i, ctx),
  },
  {
    label: 'Huawei DDS (AK/SK)',
    prefix: 'dds',
    iam: false,
    list: () => huaweiDdsInstances.list(dds(), 'gw', none, ctx),
    policy: (i: DiscoveredInstance) => huaweiDdsInstances.policy(dds(), 'gw', i, ctx),
  },
])('$label discovery (GET /v3/{project_id}/instances)', ({ prefix, iam, list, policy }) => {
  it('reads every page to total_count and leaves deleted instances out', async () => {
    const all = await list();

    expect(all.map((i) => i.instance).sort()).toEqual(primaries(prefix));
    expect(sim.requests.of('gateway/instances').map((r) => r.status)).toEqual([200, 200]);
    expect(byId(all, `${prefix}-000`)).toMatchObject({ replica: false, primary: null, name: `${prefix}-000-name` });
    if (prefix === 'rds') expect(byId(all, 'rds-replica')).toMatchObject({ replica: true, primary: 'rds-000' });
    if (iam) expect(sim.requests.count('huaweicloud/iam')).toBe(1);
  });

  it('parses backup_strategy from the list (keep_days 0 is off) and weekdays from backups/policy', async () => {
    const all = await list();

    expect(byId(all, `${prefix}-001`)?.policy).toMatchObject({ automated: false, retentionDays: 0, retentionIsCount: false });
    expect(byId(all, `${prefix}-002`)?.policy).toMatchObject({
      automated: true,
      retentionDays: 5,
      window: { startMinute: 1350, endMinute: 1410 },
      weekdays: null,
    });
    expect(await policy(byId(all, `${prefix}-002`) as DiscoveredInstance)).toMatchObject({
      automated: true,
      retentionDays: 5,
      window: { startMinute: 1350, endMinute: 1410 },
      weekdays: [1, 3, 5],
    });
    expect(await policy(byId(all, `${prefix}-003`) as DiscoveredInstance)).toMatchObject({
      weekdays: [0, 1, 2, 3, 4, 5, 6],
      retentionDays: 7,
    });
  });

  it('throws on a second page that stays malformed instead of returning the first 100', async () => {
    ctx = faultAfter(iam ? 2 : 1, 'malformed', 'gateway/instances');
    const err = await listingError(list());
    expect(err).toMatchObject({ kind: 'invalid-response', permanent: true });
    expect(sim.requests.of('gateway/instances').filter((r) => r.fault === 'malformed')).toHaveLength(5);
  });

  it('throws when the listing changes between pages', async () => {
    let answers = 0;
    ctx = testProviderContext({
      clock,
      fetch: async (input, init) => {
        const res = await globalThis.fetch(input, init);
        if (String(input).includes('/instances') && ++answers === 1)
          sim.fleet.addInstance({ cloud: prefix === 'rds' ? 'otc' : 'huaweicloud', service: prefix, id: `${prefix}-late`, regionId: 'x' });
        return res;
      },
    });
    expect(await listingError(list())).toMatchObject({
      kind: 'invalid-response',
      message: expect.stringContaining('listing changed while paging'),
    });
  });
});

describe('credentials and malformed answers', () => {
  const noSecret = (err: ProviderError, secret: string) => expect(`${err.message} ${String(err.stack)}`).not.toContain(secret);

  it('a wrong UCloud PrivateKey is a permanent auth error (RetCode 171) without the key in it', async () => {
    const wrong = 'f'.repeat(40);
    for (const run of [
      ucloudUpgsqlInstances.list(uc({ privateKey: wrong }), 'uc', scope, ctx),
      ucloudTidbInstances.list(uc({ privateKey: wrong }), 'uc', scope, ctx),
    ]) {
      const err = await listingError(run);
      expect(err).toMatchObject({ kind: 'auth', permanent: true });
      noSecret(err, wrong);
    }
  });

  it('a wrong OTC/Huawei secret key or password is a permanent auth error without the secret in it', async () => {
    const wrong = 'Wrong-Secret-0123456789abcdefXYZ';
    for (const run of [
      otcRdsInstances.list(otcAksk(wrong), 'otc', scope, ctx),
      huaweiDdsInstances.list(dds(wrong), 'hw', scope, ctx),
      otcRdsInstances.list(otcPassword(wrong), 'otc', scope, ctx),
    ]) {
      const err = await listingError(run);
      expect(err).toMatchObject({ kind: 'auth', permanent: true });
      noSecret(err, wrong);
    }
  });

  it('a ListUPgSQLInstance answer that stays truncated throws after the retry budget', async () => {
    sim.faults.failNext(1_000, 'malformed', { api: 'ucloud/instances' });
    expect(await listingError(ucloudUpgsqlInstances.list(uc(), 'uc', scope, ctx))).toMatchObject({
      kind: 'invalid-response',
      permanent: true,
    });
    expect(sim.requests.count('ucloud/instances')).toBe(5);
  });

  it('a truncated ListUPgSQLInstance answer once is retried and the full list returned', async () => {
    sim.faults.failNext(1, 'malformed', { api: 'ucloud/instances' });
    expect(await ucloudUpgsqlInstances.list(uc(), 'uc', scope, ctx)).toHaveLength(131);
    expect(ctx.waits).toHaveLength(1);
  });

  it('a second TiDB page that stays truncated throws rather than returning the first 100', async () => {
    ctx = faultAfter(1, 'malformed', 'ucloud/instances');
    expect(await listingError(ucloudTidbInstances.list(uc(), 'uc', scope, ctx))).toMatchObject({
      kind: 'invalid-response',
      permanent: true,
    });
    expect(sim.requests.of('ucloud/instances').map((r) => r.params.Offset)).toEqual(['0', '100', '100', '100', '100', '100']);
  });
});
