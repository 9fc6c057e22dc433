import { manualClock } from '../../src/core/clock.js';
import type { AliyunAccount } from '../../src/providers/aliyun/rds-backups.js';
import { Fleet, type Simulator, startSimulator } from '../../src/simulator/index.js';

export const ALI_KEY_ID = 'LTAI5tTestKeyId0001';
export const ALI_SECRET = 'test-secret-Zq8x!7';
export const ALI_REGION = 'cn-hangzhou';
export const SIM_NOW = Date.parse('2026-03-01T06:00:00Z');
const HOUR = 3_600_000;

/**
 * A fleet with one Alibaba account and one RDS instance per entry of `instances`
 * (`id → number of daily backups`, the newest ending an hour before SIM_NOW).
 */
export function aliyunFleet(instances: Record<string, number>): Fleet {
  const fleet = new Fleet();
  fleet.addAccount({ cloud: 'aliyun', accessKeyId: ALI_KEY_ID, accessKeySecret: ALI_SECRET });
  for (const [id, count] of Object.entries(instances)) {
    fleet.addInstance({ cloud: 'aliyun', service: 'rds', id, regionId: ALI_REGION });
    for (let day = 0; day < count; day++) {
      const startedAt = SIM_NOW - 2 * HOUR - day * 24 * HOUR;
      fleet.addBackup(id, {
        status: day % 10 === 3 ? 'Failed' : 'Success',
        kind: 'full',
        mode: 'Automated',
        startedAt,
        endedAt: startedAt + HOUR,
        sizeBytes: day % 10 === 3 ? 0 : 5_000_000 + day,
      });
    }
  }
  return fleet;
}

/** A simulator on 127.0.0.1 whose clock the test controls, and an account config pointing at it. */
export async function aliyunSimulator(
  instances: Record<string, number>,
): Promise<{ sim: Simulator; clock: ReturnType<typeof manualClock>; account: AliyunAccount }> {
  const clock = manualClock(SIM_NOW);
  const sim = await startSimulator({ fleet: aliyunFleet(instances), clock });
  return { sim, clock, account: aliyunAccountFor(sim.url) };
}

export function aliyunAccountFor(endpoint: string, over: Partial<AliyunAccount> = {}): AliyunAccount {
  return { cloud: 'aliyun', regionId: ALI_REGION, accessKeyId: ALI_KEY_ID, accessKeySecret: ALI_SECRET, endpoint, ...over };
}
