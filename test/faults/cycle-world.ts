import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildFleet,
  type FleetSpec,
  mixedFleet,
  type SecretField,
  type Simulator,
  type SpecAccount,
  simulatorConfig,
  startSimulator,
} from '../../src/simulator/index.js';
import { type CliResult, spawnCli, tempDir } from '../helpers/cli.js';
import { type HttpSink, type SinkAnswer, startHttpSink } from '../helpers/http-sink.js';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js';

// A whole deployment for one full cycle: the five simulated APIs, an SMTP relay that wants a password,
// a Slack webhook and a signed webhook, all on 127.0.0.1; the CLI runs as a child process.

/** Secret values nobody could mistake for anything else, one per kind of secret the config holds. */
export const SECRETS = {
  aliyun: 'SeCrEt-aliyun-AccessKeySecret-5f1e2d',
  ucloud: 'SeCrEt-ucloud-PrivateKey-9a8b7c6d',
  otcPassword: 'SeCrEt-otc-IamPassword-4e3d2c',
  huawei: 'SeCrEt-huawei-SecretKey-1b2c3d4e',
  smtpPassword: 'SeCrEt-smtp-Password-8d7c6b',
  slackToken: 'SeCrEtSlackTokenX7Y8Z9',
  webhookSecret: 'SeCrEt-webhook-HmacKey-2a3b4c',
  apiToken: 'SeCrEt-http-ApiToken-6c5b4a39',
} as const;

export interface CycleWorld {
  readonly sim: Simulator;
  readonly smtp: SmtpSink;
  readonly slack: HttpSink;
  readonly webhook: HttpSink;
  readonly dir: string;
  readonly config: string;
  /** Runs the CLI as a child process with the secrets in its environment and logs at `debug`. */
  cli(...args: string[]): Promise<CliResult>;
  close(): Promise<void>;
}

export interface CycleWorldOptions {
  /** Rewrites the fleet before it is served (to plant hostile backup names). */
  readonly spec?: (spec: FleetSpec) => FleetSpec;
  /** Where the Alibaba account points instead of the simulator (a sink answering hostile errors). */
  readonly aliyunEndpoint?: string;
  readonly slackAnswers?: readonly SinkAnswer[];
  /** More YAML after the channels (rules...). */
  readonly tail?: string;
}

const ENV_OF: Partial<Record<SecretField, string>> = {
  accessKeySecret: 'ALI_SK',
  privateKey: 'UC_PRIV',
  password: 'OTC_PASSWORD',
  secretKey: 'HW_SK',
};

export async function startCycleWorld(opts: CycleWorldOptions = {}): Promise<CycleWorld> {
  const base = mixedFleet({ seed: 4242, now: Date.now(), perApi: 6, days: 6 });
  const withSecrets: FleetSpec = { ...base, accounts: base.accounts.map(recognisable) };
  const spec = opts.spec ? opts.spec(withSecrets) : withSecrets;
  const sim = await startSimulator({ fleet: buildFleet(spec) });
  const smtp = await startSmtpSink({ auth: { user: 'auditor', pass: SECRETS.smtpPassword } });
  const slack = await startHttpSink(opts.slackAnswers ?? []);
  const webhook = await startHttpSink();
  const { dir, cleanup } = tempDir('ba-faults-cycle-');
  const config = join(dir, 'backup-auditor.yaml');
  let text = simulatorConfig(spec, {
    url: sim.url,
    database: './audit.db',
    // Secrets come from the environment, as in production; identifiers stay literal.
    secret: (_a, field, value) => (ENV_OF[field] ? `{ env: ${ENV_OF[field]} }` : JSON.stringify(value)),
    tail: `channels:
  mail: { type: email, smtp: { env: SMTP_URL }, from: auditor@example.com, to: [dba@example.com] }
  slack: { type: slack, webhook: { env: SLACK_WEBHOOK } }
  hook: { type: webhook, url: "${webhook.url}/alerts", secret: { env: WEBHOOK_SECRET } }
alerting: { groupWait: 0s }
report: { channels: [mail, slack] }
http: { listen: 127.0.0.1:0, apiToken: { env: API_TOKEN } }
${opts.tail ?? ''}`,
  });
  if (opts.aliyunEndpoint) text = text.replace(/(cloud: aliyun\n {4}endpoint: )"[^"]*"/, `$1"${opts.aliyunEndpoint}"`);
  writeFileSync(config, text);
  const env = {
    ALI_SK: SECRETS.aliyun,
    UC_PRIV: SECRETS.ucloud,
    OTC_PASSWORD: SECRETS.otcPassword,
    HW_SK: SECRETS.huawei,
    SMTP_URL: `smtp://auditor:${SECRETS.smtpPassword}@127.0.0.1:${smtp.port}`,
    SLACK_WEBHOOK: `${slack.url}/services/T0000/B0000/${SECRETS.slackToken}`,
    WEBHOOK_SECRET: SECRETS.webhookSecret,
    API_TOKEN: SECRETS.apiToken,
    BACKUP_AUDITOR_LOG: 'debug',
  };
  return {
    sim,
    smtp,
    slack,
    webhook,
    dir,
    config,
    cli: (...args) => spawnCli(['--config', config, ...args], { env }).result,
    close: async () => {
      await Promise.all([sim.close(), smtp.close(), slack.close(), webhook.close()]);
      cleanup();
    },
  };
}

function recognisable(a: SpecAccount): SpecAccount {
  switch (a.cloud) {
    case 'aliyun':
      return { ...a, accessKeySecret: SECRETS.aliyun };
    case 'ucloud':
      return { ...a, accessKeySecret: SECRETS.ucloud };
    case 'otc':
      return { ...a, password: { ...(a.password ?? { domain: 'sim-domain', user: 'auditor' }), password: SECRETS.otcPassword } };
    case 'huaweicloud':
      return { ...a, accessKeySecret: SECRETS.huawei };
  }
}
