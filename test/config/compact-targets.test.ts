import { describe, expect, it } from 'vitest';
import { loadConfigText } from '../../src/config/load.js';
import { configSnapshot } from '../../src/config/snapshot.js';

const yaml = `accounts:
  uc: { cloud: ucloud, publicKey: pk, privateKey: sk }
targets:
  - { id: a, account: uc, service: upgsql, instance: i-a, region: cn-bj2, zone: cn-bj2-04 }
  - { id: b, account: uc, service: tidb, instance: i-b, region: cn-bj2, schedule: "0 * * * *" }
  - { id: c, account: uc, service: tidb, instance: i-c, region: cn-bj2, labels: { env: prod }, rules: { retention: false } }
`;

describe('a loaded config', () => {
  it("keeps every target's fields as written, with defaults", () => {
    const { targets } = loadConfigText(yaml, '/tmp/compact.yaml').config;
    expect(targets).toStrictEqual([
      { id: 'a', account: 'uc', service: 'upgsql', instance: 'i-a', region: 'cn-bj2', zone: 'cn-bj2-04', labels: {}, rules: {} },
      { id: 'b', account: 'uc', service: 'tidb', instance: 'i-b', region: 'cn-bj2', schedule: '0 * * * *', labels: {}, rules: {} },
      {
        id: 'c',
        account: 'uc',
        service: 'tidb',
        instance: 'i-c',
        region: 'cn-bj2',
        labels: { env: 'prod' },
        rules: { retention: false },
      },
    ]);
  });

  it('shares one frozen empty object among the targets without labels or rules of their own', () => {
    const [a, b, c] = loadConfigText(yaml, '/tmp/compact.yaml').config.targets;
    expect(a?.labels).toBe(b?.labels);
    expect(a?.rules).toBe(b?.labels);
    expect(Object.isFrozen(a?.labels)).toBe(true);
    expect(c?.labels).not.toBe(a?.labels);
  });

  it('snapshots the same as a config whose targets were not compacted', () => {
    const loaded = loadConfigText(yaml, '/tmp/compact.yaml');
    const copy = { config: JSON.parse(JSON.stringify(loaded.config)) as typeof loaded.config };
    expect(configSnapshot(loaded)).toBe(configSnapshot(copy));
  });
});
