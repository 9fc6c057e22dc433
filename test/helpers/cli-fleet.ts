import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Fleet, type SimBackupInput, type Simulator, startSimulator } from '../../src/simulator/index.js';
import { type CliResult, runCli, tempDir } from './cli.js';
import { type HttpSink, startHttpSink } from './http-sink.js';
import { backupSeries } from './rds-fleet.js';

export const HOUR = 3_600_000;
const ALI = { accessKeyId: 'LTAI5tCliFleetKey', accessKeySecret: 'cli-fleet-aliyun-secret' };
const UC = { publicKey: 'clifleet@example.com1296235120854146120', privateKey: 'c3a1f0e2d9b84d77a6e5f4c3b2a1908f7e6d5c4b' };

/** `days` daily backups of 5 GiB after a 30-minute run, the newest ending at `lastEnd`. */
export function daily(lastEnd: number, days: number, status = 'Success'): SimBackupInput[] {
  return backupSeries(lastEnd, days, { runMs: 30 * 60_000, sizeBytes: 5 * 1024 ** 3, status });
}

export interface CliFleet {
  readonly sim: Simulator;
  readonly slack: HttpSink;
  readonly dir: string;
  readonly config: string;
  /** The secrets the config reads: spread and override one to try a wrong credential. */
  readonly env: NodeJS.ProcessEnv;
  /** Runs the CLI in-process against this config with the secrets set. */
  cli(...args: string[]): Promise<CliResult>;
  close(): Promise<void>;
}

/**
 * A small audited fleet behind the simulator, with labels: payments-db (healthy, team payments,
 * aliyun), stale-db (last backup 30 h ago, team payments, env staging), ledger-db (a failed backup,
 * team ledger, aliyun) and pg-db (healthy, team ledger, ucloud). A Slack sink receives notifications.
 */
export async function startCliFleet(): Promise<CliFleet> {
  const now = Date.now();
  const fleet = new Fleet();
  fleet.addAccount({ cloud: 'aliyun', ...ALI });
  fleet.addAccount({ cloud: 'ucloud', accessKeyId: UC.publicKey, accessKeySecret: UC.privateKey });
  fleet.addInstance({ cloud: 'aliyun', service: 'rds', id: 'rm-payments', regionId: 'cn-hangzhou', backups: daily(now - 3 * HOUR, 8) });
  fleet.addInstance({ cloud: 'aliyun', service: 'rds', id: 'rm-stale', regionId: 'cn-hangzhou', backups: daily(now - 30 * HOUR, 8) });
  fleet.addInstance({
    cloud: 'aliyun',
    service: 'rds',
    id: 'rm-ledger',
    regionId: 'cn-hangzhou',
    backups: [
      { status: 'Failed', kind: 'full', mode: 'Automated', startedAt: now - 3 * HOUR, endedAt: now - 2 * HOUR, sizeBytes: 0 },
      ...daily(now - 20 * HOUR, 8),
    ],
  });
  fleet.addInstance({
    cloud: 'ucloud',
    service: 'upgsql',
    id: 'pg-ledger',
    regionId: 'cn-zj',
    zone: 'cn-zj-01',
    backups: daily(now - 2 * HOUR, 8),
  });
  const sim = await startSimulator({ fleet });
  const slack = await startHttpSink();
  const { dir, cleanup } = tempDir('ba-cli-fleet-');
  const config = join(dir, 'backup-auditor.yaml');
  writeFileSync(
    config,
    `database: ./audit.db
accounts:
  ali: { cloud: aliyun, regionId: cn-hangzhou, endpoint: "${sim.url}", accessKeyId: ${ALI.accessKeyId}, accessKeySecret: { env: ALI_SK } }
  uc: { cloud: ucloud, endpoint: "${sim.url}", publicKey: "${UC.publicKey}", privateKey: { env: UC_PRIV } }
targets:
  - { id: payments-db, account: ali, service: rds, instance: rm-payments, labels: { team: payments, env: prod } }
  - { id: stale-db, account: ali, service: rds, instance: rm-stale, labels: { team: payments, env: staging } }
  - { id: ledger-db, account: ali, service: rds, instance: rm-ledger, labels: { team: ledger, env: prod } }
  - { id: pg-db, account: uc, service: upgsql, instance: pg-ledger, region: cn-zj, zone: cn-zj-01, labels: { team: ledger, env: prod } }
rules:
  retention: false
  size-anomaly: false
channels:
  slack: { type: slack, webhook: { env: SLACK_WEBHOOK_URL } }
`,
  );
  const env = { ALI_SK: ALI.accessKeySecret, UC_PRIV: UC.privateKey, SLACK_WEBHOOK_URL: `${slack.url}/services/T/B/token` };
  return {
    sim,
    slack,
    dir,
    config,
    env,
    cli: (...args) => runCli(['--config', config, ...args], { env }),
    close: async () => {
      await Promise.all([sim.close(), slack.close()]);
      cleanup();
    },
  };
}
