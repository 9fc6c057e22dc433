import { Fleet } from './fleet.js';
import type { FleetSpec } from './fleet-spec.js';
import { mulberry32, randomInt } from './prng.js';

export interface SeededFleetOptions {
  readonly seed: number;
  /** Epoch ms: the newest backup starts no later than this. */
  readonly now: number;
  /** How many Alibaba RDS instances. */
  readonly instances: number;
  /** Days of daily backups per instance. */
  readonly days: number;
  /** Share of daily backups that fail; default 0.05. */
  readonly failureRate?: number;
  readonly accessKeyId?: string;
  readonly accessKeySecret?: string;
  readonly regionId?: string;
}

/** The credentials `seededFleet` registers unless told otherwise. */
export const SEEDED_ACCOUNT = { accessKeyId: 'LTAI5tSimulatorKey0001', accessKeySecret: 'simulator-secret-0001' } as const;

const DAY = 86_400_000;
const GIB = 1024 ** 3;

/**
 * A deterministic fleet for benchmarks and demos: the same options give the same instances, ids,
 * times, sizes and failures on every run. Each instance gets one automated full backup a day in a
 * nightly window, a few of them failed (0 bytes, as Alibaba reports them), and now and then a manual one.
 */
export function seededFleet(opts: SeededFleetOptions): Fleet {
  const random = mulberry32(opts.seed);
  const failureRate = opts.failureRate ?? 0.05;
  const fleet = new Fleet();
  fleet.addAccount({
    cloud: 'aliyun',
    accessKeyId: opts.accessKeyId ?? SEEDED_ACCOUNT.accessKeyId,
    accessKeySecret: opts.accessKeySecret ?? SEEDED_ACCOUNT.accessKeySecret,
  });
  const today = Math.floor(opts.now / DAY) * DAY;
  for (let i = 0; i < opts.instances; i++) {
    const id = `rm-${randomToken(random, 14)}`;
    fleet.addInstance({ cloud: 'aliyun', service: 'rds', id, regionId: opts.regionId ?? 'cn-hangzhou' });
    const windowHour = randomInt(random, 0, 5);
    let size = randomInt(random, 1, 200) * GIB;
    for (let d = 0; d < opts.days; d++) {
      const startedAt = today - d * DAY + windowHour * 3_600_000 + randomInt(random, 0, 3_599) * 1000;
      // Going back in time the database was smaller: shrink ~0.3% a day with some noise.
      size = Math.max(GIB, Math.round(size * (1 - randomInt(random, 0, 6) / 1000)));
      if (startedAt > opts.now) continue;
      const failed = random() < failureRate;
      const duration = randomInt(random, 5, 45) * 60_000;
      fleet.addBackup(id, {
        status: failed ? 'Failed' : 'Success',
        kind: 'full',
        mode: 'Automated',
        method: 'Physical',
        startedAt,
        endedAt: Math.min(opts.now, startedAt + duration),
        sizeBytes: failed ? 0 : size,
      });
      if (random() < 0.03) {
        const manualStart = startedAt + randomInt(random, 6, 12) * 3_600_000;
        if (manualStart + duration <= opts.now) {
          fleet.addBackup(id, {
            status: 'Success',
            kind: 'full',
            mode: 'Manual',
            method: 'Physical',
            startedAt: manualStart,
            endedAt: manualStart + duration,
            sizeBytes: size,
          });
        }
      }
    }
  }
  return fleet;
}

function randomToken(random: () => number, length: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(random() * alphabet.length)];
  return out;
}

/**
 * The seeded Alibaba fleet as a spec (account `ali-bulk` with SEEDED_ACCOUNT's keys), so `simulate
 * --instances N` can add it to the described mix and print targets for it. Nothing is expected of
 * its instances: their failures fall where the seed puts them.
 */
export function seededSpec(opts: SeededFleetOptions): FleetSpec {
  const regionId = opts.regionId ?? 'cn-hangzhou';
  const fleet = seededFleet(opts);
  return {
    accounts: [
      {
        name: 'ali-bulk',
        cloud: 'aliyun',
        region: regionId,
        accessKeyId: opts.accessKeyId ?? SEEDED_ACCOUNT.accessKeyId,
        accessKeySecret: opts.accessKeySecret ?? SEEDED_ACCOUNT.accessKeySecret,
      },
    ],
    instances: fleet.instances().map((i) => ({
      id: i.id,
      account: 'ali-bulk',
      service: 'rds',
      region: i.regionId,
      labels: { story: 'bulk' },
      story: 'seeded daily backups; failures fall where the seed puts them',
      backups: i.backups,
    })),
  };
}
