import { type LoadedConfig, loadConfigText } from '../src/config/load.js';
import type { NormalizedBackup } from '../src/domain/backup.js';
import { mulberry32, randomInt } from '../src/simulator/prng.js';
import { aliyunBackup, type BackupSpec, otcBackup } from './backup-items.js';

// The evaluation figure's fleet: a config of N targets, as a user would write it, and per target a
// deterministic year of daily backups in one of the states a real fleet shows.

const H = 3_600_000;
const DAY = 24 * H;

/** What a target's history looks like, and what the rules should find in it. */
export type Condition = 'healthy' | 'failed' | 'stale' | 'running' | 'shrunk' | 'poll-failing';

/** Cumulative shares: most targets are healthy. */
const MIX: readonly [Condition, number][] = [
  ['healthy', 0.84],
  ['failed', 0.89],
  ['stale', 0.93],
  ['running', 0.96],
  ['shrunk', 0.98],
  ['poll-failing', 1],
];

export interface BenchTarget {
  readonly index: number;
  readonly id: string;
  readonly cloud: 'aliyun' | 'otc';
  readonly instance: string;
  readonly condition: Condition;
}

export function benchTarget(index: number): BenchTarget {
  const random = mulberry32(1_000_003 * (index + 1));
  const draw = random();
  const condition = (MIX.find(([, upTo]) => draw < upTo) ?? MIX[0])?.[0] as Condition;
  // Alibaba lists no running backups, so running ones live on OTC, as does a tenth of the rest.
  const cloud = condition === 'running' || index % 10 === 0 ? 'otc' : 'aliyun';
  const id = `db-${String(index).padStart(5, '0')}`;
  return {
    index,
    id,
    cloud,
    instance: cloud === 'aliyun' ? `rm-bench${String(index).padStart(8, '0')}` : `${index.toString(16).padStart(32, '0')}in03`,
    condition,
  };
}

/**
 * The daily backups of a target as listed at `listedAt`, newest first, the newest shaped by the
 * target's condition. The same target always gets the same series (ids, times, sizes, failures).
 */
export function dailySpecs(target: BenchTarget, days: number, listedAt: number): BackupSpec[] {
  const random = mulberry32(7_919 * (target.index + 1));
  const base = randomInt(random, 1, 200) * 1024 ** 3;
  // Stale targets stopped backing up a few days ago; the others' newest started 2-8 h before the listing.
  const newestStart = listedAt - (target.condition === 'stale' ? randomInt(random, 3, 6) * DAY : randomInt(random, 2, 8) * H);
  const specs: BackupSpec[] = [];
  for (let d = 0; d < days; d++) {
    const startedAt = newestStart - d * DAY - randomInt(random, 0, 1800) * 1000;
    const endedAt = startedAt + randomInt(random, 5, 45) * 60_000;
    // Older failures happen (2 %) but were each followed by a completed backup.
    let outcome: BackupSpec['outcome'] = d >= 2 && random() < 0.02 ? 'failed' : 'completed';
    if (d === 0 && target.condition === 'failed') outcome = 'failed';
    if (d === 0 && target.condition === 'running') outcome = 'running';
    const sizeBytes = Math.round(base * (1 - d * 0.001) * (d === 0 && target.condition === 'shrunk' ? 0.2 : 1));
    specs.push({ id: idBase(target) + days - d, outcome, startedAt, endedAt, sizeBytes });
  }
  // A running backup that started more than stuck-running's 6 h ago is what that rule exists to catch.
  const first = specs[0];
  if (target.condition === 'running' && first) specs[0] = { ...first, startedAt: listedAt - randomInt(random, 1, 12) * H };
  return specs;
}

const idBase = (target: BenchTarget): number => 300_000_000 + target.index * 10_000;

/**
 * The same target re-polled minutes later: a manual backup was just taken (one in ten failed), and
 * a running backup has finished. This is the change an incremental evaluation follows.
 */
export function repolledSpecs(target: BenchTarget, days: number, listedAt: number, repolledAt: number): BackupSpec[] {
  const specs = dailySpecs(target, days, listedAt).map((s) =>
    s.outcome === 'running' ? { ...s, outcome: 'completed' as const, endedAt: repolledAt - 120_000 } : s,
  );
  const newest = specs[0];
  const failed = target.index % 10 === 3;
  const manual: BackupSpec = {
    id: idBase(target) + days + 1,
    outcome: failed ? 'failed' : 'completed',
    manual: true,
    startedAt: repolledAt - 30 * 60_000,
    endedAt: repolledAt - 5 * 60_000,
    sizeBytes: newest?.sizeBytes ?? 1024 ** 3,
  };
  return [manual, ...specs];
}

/** The specs in the target's provider shape, through that provider's normalizer. */
export function normalized(target: BenchTarget, specs: readonly BackupSpec[]): NormalizedBackup[] {
  return specs.map((s) => (target.cloud === 'aliyun' ? aliyunBackup(target.instance, s) : otcBackup(target.instance, s)));
}

/** Literal-free secrets: the config reads them from this env, as a deployment would. */
/** The secrets benchConfigYaml's config names, by environment variable. */
export const BENCH_ENV = {
  BENCH_ALIYUN_SECRET: 'bench-aliyun-secret',
  BENCH_OTC_SK: 'bench-otc-secret-key',
  BENCH_SLACK_WEBHOOK: 'http://127.0.0.1:9/services/T0/B0/bench',
  BENCH_SMTP: 'smtp://127.0.0.1:9',
};

/** The bench config's two accounts, one line of YAML each. */
const ALI_ACCOUNT =
  'ali: { cloud: aliyun, regionId: cn-hangzhou, endpoint: "http://127.0.0.1:9", accessKeyId: LTAI5tBenchKey0001, ' +
  'accessKeySecret: { env: BENCH_ALIYUN_SECRET } }';
const OTC_ACCOUNT =
  'otc: { cloud: otc, region: eu-de, projectId: 0123456789abcdef0123456789abcdef, endpoint: "http://127.0.0.1:9", ' +
  'auth: { type: aksk, accessKey: AKBENCH0001, secretKey: { env: BENCH_OTC_SK } } }';

/** The YAML a user with these targets would write (two clouds, labels, a profile, routes), loaded the product's way. */
export function benchConfig(targets: readonly BenchTarget[]): LoadedConfig {
  return loadConfigText(benchConfigYaml(targets), '/nonexistent/bench/backup-auditor.yaml', { env: BENCH_ENV });
}

/** The config of `targets` as YAML, its database `./bench.db` beside the file; its secrets are in BENCH_ENV. */
export function benchConfigYaml(targets: readonly BenchTarget[]): string {
  const lines = targets.map((t) => {
    const env = t.index % 5 === 0 ? 'staging' : 'prod';
    const account = t.cloud === 'aliyun' ? 'ali' : 'otc';
    return (
      `  - { id: ${t.id}, account: ${account}, service: rds, instance: ${t.instance}, ` +
      `labels: { env: ${env}, team: team-${t.index % 7} } }`
    );
  });
  return `database: ./bench.db
accounts:
  ${ALI_ACCOUNT}
  ${OTC_ACCOUNT}
rules:
  retention: { minCount: 5 }
profiles:
  - match: { env: staging }
    rules: { recent-success: { maxAge: 48h }, size-anomaly: false }
channels:
  slack: { type: slack, webhook: { env: BENCH_SLACK_WEBHOOK } }
  mail: { type: email, smtp: { env: BENCH_SMTP }, from: auditor@example.com, to: [dba@example.com] }
routes:
  - { match: { severity: critical }, channels: [slack, mail] }
  - { channels: [mail] }
targets:
${lines.join('\n')}
`;
}
