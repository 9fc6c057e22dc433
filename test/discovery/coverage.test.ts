import { afterEach, describe, expect, it } from 'vitest';
import { createDeps } from '../../jobs/deps.js';
import { loadConfigText } from '../../src/config/load.js';
import { manualClock } from '../../src/core/clock.js';
import { storedInstances, storedPolicy } from '../../src/db/discovery.js';
import { coverageOf } from '../../src/discovery/coverage.js';
import { discoverAll } from '../../src/discovery/discover.js';
import { evaluateCoverage } from '../../src/discovery/judge-coverage.js';
import { evaluateTargets } from '../../src/engine/evaluate.js';
import { aliyunInstancesApi, defaultApis, Fleet, type Simulator, setInstanceInfo, startSimulator } from '../../src/simulator/index.js';
import { tempDatabase } from '../helpers/db.js';

const NOW = Date.parse('2026-03-01T06:00:00Z');
const KEY = 'LTAI5tDiscoveryKey01';
const SECRET = 'discovery-secret-Zq8x';
let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

async function setup() {
  const fleet = new Fleet();
  fleet.addAccount({ cloud: 'aliyun', accessKeyId: KEY, accessKeySecret: SECRET });
  const ids = Array.from({ length: 40 }, (_, i) => `rm-${String(i).padStart(2, '0')}`);
  for (const id of ids) fleet.addInstance({ cloud: 'aliyun', service: 'rds', id, regionId: 'cn-hangzhou', name: `db-${id}` });
  fleet.addInstance({ cloud: 'aliyun', service: 'rds', id: 'rr-replica', regionId: 'cn-hangzhou' });
  setInstanceInfo(fleet, 'rr-replica', { replicaOf: 'rm-00' });
  setInstanceInfo(fleet, 'rm-01', { policy: { keepDays: 0, window: '02:00-03:00', weekdays: [] } });
  const clock = manualClock(NOW);
  const sim: Simulator = await startSimulator({ fleet, clock, apis: [aliyunInstancesApi(), ...defaultApis(fleet)] });
  const db = tempDatabase();
  const targets = ids
    .slice(0, 30)
    .map((id) => `  - { id: t-${id}, account: ali, service: rds, instance: ${id} }`)
    .join('\n');
  const excluded = [
    'rm-30',
    'rm-31',
    "{ match: 'db-rm-3[2]', reason: 'scratch' }",
    "{ match: 'rm-33', reason: 'test database' }",
    "{ match: 'rm-34', reason: 'decommissioning' }",
  ];
  const configWith = (moreExcluded: readonly string[] = []) =>
    loadConfigText(
      `accounts:
  ali:
    cloud: aliyun
    regionId: cn-hangzhou
    accessKeyId: ${KEY}
    accessKeySecret: ${SECRET}
    endpoint: ${sim.url}
    discover:
      autoTargets: false
      exclude: [${[...excluded, ...moreExcluded].join(', ')}]
targets:
${targets}
`.replace("'db-rm-3[2]'", 'db-rm-32'),
      '/tmp/discovery.yaml',
    );
  const loaded = configWith();
  const deps = createDeps({ db: db.db, loaded, clock, sleep: async () => {} });
  cleanup = async () => {
    db.cleanup();
    await sim.close();
  };
  return { fleet, sim, clock, deps, configWith };
}

describe('discovery and the coverage rule against the simulator', () => {
  it('records every instance with first and last seen, and replicas as replicas', async () => {
    const { deps, clock } = await setup();
    const summary = await discoverAll(deps);
    expect(summary).toEqual([{ account: 'ali', service: 'rds', ok: true, instances: 41 }]);
    clock.advance(3_600_000);
    await discoverAll(deps);
    const stored = storedInstances(deps.db);
    expect(stored).toHaveLength(41);
    expect(stored.find((i) => i.instance === 'rm-05')).toMatchObject({ firstSeenAt: NOW, lastSeenAt: NOW + 3_600_000, replica: false });
    expect(stored.find((i) => i.instance === 'rr-replica')).toMatchObject({ replica: true, primaryInstance: 'rm-00' });
    expect(storedPolicy(deps.db, 'ali', 'rds', 'rm-01')?.policy).toMatchObject({ retentionDays: 0, automated: false });
  });

  it('shows exactly the 5 uncovered of 40 instances with 30 targets and 5 excluded, and alarms for those 5 only', async () => {
    const { deps } = await setup();
    await discoverAll(deps);
    const [rds] = coverageOf(deps.db, deps.loaded.config, deps.loaded.config.targets, NOW);
    const by = (s: string) => rds?.instances.filter((i) => i.state === s).map((i) => i.instance.instance) ?? [];
    expect(by('targeted')).toHaveLength(30);
    expect(by('excluded')).toEqual(['rm-30', 'rm-31', 'rm-32', 'rm-33', 'rm-34']);
    expect(by('uncovered')).toEqual(['rm-35', 'rm-36', 'rm-37', 'rm-38', 'rm-39']);
    expect(by('replica')).toEqual(['rr-replica']);
    evaluateCoverage(deps, { now: NOW });
    const alarms = deps.db.$client
      .prepare(`SELECT target_id FROM findings WHERE rule_id = 'coverage' AND state = 'alarm' ORDER BY target_id`)
      .pluck()
      .all();
    expect(alarms).toEqual(['ali/rds/rm-35', 'ali/rds/rm-36', 'ali/rds/rm-37', 'ali/rds/rm-38', 'ali/rds/rm-39']);
  });

  it('alarms for a target whose instance disappears from discovery', async () => {
    const { deps, fleet, clock } = await setup();
    await discoverAll(deps);
    setInstanceInfo(fleet, 'rm-07', { deleted: true });
    clock.advance(3_600_000);
    await discoverAll(deps);
    evaluateTargets(deps, { now: clock() });
    const row = deps.db.$client
      .prepare(`SELECT state, reason FROM findings WHERE rule_id = 'coverage' AND target_id = 't-rm-07'`)
      .get() as { state: string; reason: string };
    expect(row.state).toBe('alarm');
    expect(row.reason).toMatch(/rm-07 .* is not listed by the discovery/);
    const still = deps.db.$client.prepare(`SELECT state FROM findings WHERE rule_id = 'coverage' AND target_id = 't-rm-08'`).pluck().get();
    expect(still).toBe('ok');
  });

  it('alarms backup-policy for an instance whose automated backup is off (keep_days 0), and only for it', async () => {
    const { deps } = await setup();
    await discoverAll(deps);
    evaluateTargets(deps, { now: NOW });
    const rows = deps.db.$client
      .prepare(`SELECT target_id, state, reason FROM findings WHERE rule_id = 'backup-policy' AND state <> 'ok'`)
      .all() as { target_id: string; state: string; reason: string }[];
    expect(rows.map((r) => [r.target_id, r.state])).toEqual([['t-rm-01', 'alarm']]);
    expect(rows[0]?.reason).toMatch(/automated backup is off .*DescribeBackupPolicy, read 2026-03-01T06:00Z/);
  });

  it('resolves an uncovered instance once it is excluded', async () => {
    const { deps, configWith } = await setup();
    await discoverAll(deps);
    evaluateCoverage(deps, { now: NOW });
    evaluateCoverage({ ...deps, loaded: configWith(['rm-35']) }, { now: NOW + 60_000 });
    const state = deps.db.$client
      .prepare(`SELECT state FROM findings WHERE rule_id = 'coverage' AND target_id = 'ali/rds/rm-35'`)
      .pluck()
      .get();
    expect(state).toBe('ok');
  });
});
