import { type SimBackupInput, type Simulator, startSimulator } from '../../src/simulator/index.js';
import { type HttpSink, startHttpSink } from './http-sink.js';
import { type AliyunKey, aliyunAccountYaml, rdsFleet } from './rds-fleet.js';
import { type SmtpSink, startSmtpSink } from './smtp-sink.js';
import { tempConfig } from './temp.js';

export interface MailedFleet {
  readonly sim: Simulator;
  readonly smtp: SmtpSink;
  readonly slack: HttpSink;
  readonly dir: string;
  readonly config: string;
  close(): Promise<void>;
}

export interface MailedFleetOptions {
  readonly key: AliyunKey;
  /** Name → backups, in config order: `healthy` is RDS instance `rm-healthy`, audited as target `healthy-db`. */
  readonly targets: Record<string, readonly SimBackupInput[]>;
  /** The account's `accessKeySecret` as YAML: a literal, `{ env: NAME }` or `{ file: PATH }`. */
  readonly secret: string;
  /** `./audit.db` by default. */
  readonly database?: string;
  /** YAML between the targets and the channels, such as a `rules:` block. */
  readonly rules?: string;
}

/**
 * An Alibaba fleet behind the simulator, a real SMTP server, a Slack sink, and a config in a fresh
 * folder auditing every instance with channels `mail` (SMTP_URL) and `slack` (SLACK_WEBHOOK_URL).
 */
export async function startMailedFleet(o: MailedFleetOptions): Promise<MailedFleet> {
  const names = Object.keys(o.targets);
  const fleet = rdsFleet(o.key, Object.fromEntries(Object.entries(o.targets).map(([name, backups]) => [`rm-${name}`, backups])));
  const sim = await startSimulator({ fleet });
  const smtp = await startSmtpSink();
  const slack = await startHttpSink();
  const { dir, config, cleanup } = tempConfig(
    `database: ${o.database ?? './audit.db'}
accounts:
  ali: ${aliyunAccountYaml(sim.url, o.key.accessKeyId, o.secret)}
targets:
${names.map((n) => `  - { id: ${n}-db, account: ali, service: rds, instance: rm-${n} }`).join('\n')}
${o.rules ?? ''}channels:
  mail: { type: email, smtp: { env: SMTP_URL }, from: auditor@example.com, to: [dba@example.com] }
  slack: { type: slack, webhook: { env: SLACK_WEBHOOK_URL } }
`,
    'ba-mailed-fleet-',
  );
  return {
    sim,
    smtp,
    slack,
    dir,
    config,
    close: async () => {
      await Promise.all([sim.close(), smtp.close(), slack.close()]);
      cleanup();
    },
  };
}
