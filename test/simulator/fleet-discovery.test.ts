import { describe, expect, it } from 'vitest';
import {
  buildFleet,
  instanceInfo,
  mixedFleet,
  parseFleetFile,
  simulatorConfig,
  specTargets,
  specUntargeted,
} from '../../src/simulator/index.js';

// What the simulator's fleets hold for discovery: read replicas, instances no target audits, backup
// policies. The run-once over all of it is in simulator-fleets.test.ts.

const NOW = Date.parse('2026-03-01T06:00:00Z');

/** Seed 1's first account key and first instance per API, as they were before discovery instances joined the mix. */
const SEED_1 = {
  aliKey: 'LTAI5tSimmAg88Rlsa9ceIZP',
  firstIds: [
    'rm-bp1sxpe1w1ea22hl0',
    'upgsql-8xsrboht',
    'tidb-j7bm44o1',
    '16a685beb1542801564a30a8fc679a1ain01',
    '39f1931b71b54ae1cc477297f4b591eain02',
  ],
};

describe('the generated mix, for discovery', () => {
  it('keeps the ids and credentials a seed gave before the discovery instances were added', () => {
    const spec = mixedFleet({ seed: 1, now: NOW, perApi: 1 });

    expect(spec.accounts[0]?.accessKeyId).toBe(SEED_1.aliKey);
    expect(spec.instances.slice(0, 5).map((i) => i.id)).toEqual(SEED_1.firstIds);
    expect(spec.instances.slice(5).map((i) => i.labels?.story)).toEqual([
      'uncovered',
      'replica',
      'uncovered',
      'replica',
      'uncovered',
      'uncovered',
      'replica',
      'uncovered',
    ]);
  });
});

describe('the fleet file, for discovery', () => {
  it('scripts read replicas, untargeted instances and backup policies for discovery', () => {
    const spec = parseFleetFile(
      `
accounts:
  - { name: ali, cloud: aliyun, region: cn-hangzhou, accessKeyId: LTAI5tDisc, accessKeySecret: s3cret }
  - { name: uc, cloud: ucloud, accessKeyId: uc@example.invalid, accessKeySecret: uc-secret }
instances:
  - { id: rm-main, account: ali, service: rds, policy: { keepDays: 0 } }
  - { id: rr-main, account: ali, service: rds, replicaOf: rm-main }
  - { id: rm-shadow, account: ali, service: rds, untargeted: true, policy: { keepDays: 3, window: "22:00-23:30", weekdays: [1, 3, 5] } }
  - { id: upgsql-1, account: uc, service: upgsql, region: cn-sh2, zone: cn-sh2-02, untargeted: true }
`,
      NOW,
    );
    const fleet = buildFleet(spec);

    expect(specTargets(spec).map((t) => t.id)).toEqual(['rm-main']);
    expect(specUntargeted(spec).map((u) => [u.id, u.expect])).toEqual([
      ['ali/rds/rr-main', []],
      ['ali/rds/rm-shadow', ['coverage']],
      ['uc/upgsql/upgsql-1', ['coverage']],
    ]);
    expect(instanceInfo(fleet, 'rm-main').policy).toEqual({ keepDays: 0, window: '02:00-03:00', weekdays: [0, 1, 2, 3, 4, 5, 6] });
    expect(instanceInfo(fleet, 'rr-main')).toEqual({ owner: 'LTAI5tDisc', replicaOf: 'rm-main' });
    expect(instanceInfo(fleet, 'rm-shadow').policy).toEqual({ keepDays: 3, window: '22:00-23:30', weekdays: [1, 3, 5] });
    const config = simulatorConfig(spec, { url: 'http://127.0.0.1:9', discover: true });
    expect(config).toContain('discover: { autoTargets: false, regions: ["cn-sh2"] }');
    expect(config).toMatch(/# {3}ali\/rds\/rm-shadow: no target audits it \(expect: coverage\)/);
    expect(simulatorConfig(spec, { url: 'http://127.0.0.1:9' })).not.toContain('discover:');
  });

  it('names the field of every wrong replica, untargeted flag or policy', () => {
    const head = `accounts:
  - { name: ali, cloud: aliyun, region: cn-hangzhou, accessKeyId: K, accessKeySecret: S }
  - { name: hw, cloud: huaweicloud, region: ap-southeast-1, projectId: p, accessKeyId: H, accessKeySecret: S }
instances:
`;
    const fields =
      `${head}  - { id: a, account: ali, service: rds, untargeted: "yes", ` +
      'policy: { keepDays: -1, window: "25:00-26:00", weekdays: [1, 1, 7] } }\n';
    expect(() => parseFleetFile(fields, NOW)).toThrow(
      new RegExp(
        /instances\[0\]\.untargeted[\s\S]*must be 0 \(automated backup off\) or more days[\s\S]*instances\[0\]\.policy\.keepDays/.source +
          /[\s\S]*must be HH:MM-HH:MM[\s\S]*policy\.window[\s\S]*must be 0 \(Sunday\) to 6 \(Saturday\)[\s\S]*policy\.weekdays/.source,
      ),
    );
    const refs = `${head}  - { id: a, account: ali, service: rds, replicaOf: nope }
  - { id: b, account: hw, service: dds }
  - { id: c, account: hw, service: dds, replicaOf: b }
  - { id: d, account: ali, service: rds, missing: true, untargeted: true }
  - { id: e, account: ali, service: rds, replicaOf: d }
`;
    expect(() => parseFleetFile(refs, NOW)).toThrow(
      new RegExp(
        /instance a: replicaOf: no rds instance nope in account ali[\s\S]*instance c: replicaOf: huaweicloud\/dds lists no read replicas/
          .source +
          /[\s\S]*instance d: missing \(configured, absent at the provider\) cannot be untargeted too/.source +
          /[\s\S]*instance e: replicaOf: d is missing at the provider/.source,
      ),
    );
  });
});
