import { CHANNEL_ENV, CLOUD_DEFAULTS, type InitAnswers } from './init-answers.js';

const RESERVED = /^(true|false|null|yes|no|on|off|~|[-+]?\.(inf|nan))$/i;

/** A scalar that YAML reads back as the same string: plain when that is safe, else double-quoted (JSON is valid YAML). */
export function yamlScalar(s: string): string {
  return /^[A-Za-z./][A-Za-z0-9._/@-]*$/.test(s) && !RESERVED.test(s) ? s : JSON.stringify(s);
}

/** `text` with `# comment` in a column of its own, as a person would align it. */
const note = (text: string, comment: string): string => `${text.padEnd(40)}# ${comment}`;

/** The commented config for the answers; secrets appear only as environment variable names. */
export function renderConfig(a: InitAnswers, schemaRef: string): string {
  const d = CLOUD_DEFAULTS[a.cloud];
  const q = yamlScalar;
  const account: string[] = [`  ${q(a.accountName)}:`, note(`    cloud: ${a.cloud}`, d.label)];
  if (a.cloud === 'aliyun') account.push(`    regionId: ${q(a.region)}`);
  if (a.cloud === 'otc' || a.cloud === 'huaweicloud') account.push(`    region: ${q(a.region)}`, `    projectId: ${q(a.projectId ?? '')}`);
  if (a.cloud === 'ucloud' && a.projectId) account.push(`    projectId: ${q(a.projectId)}`);
  const key = `{ env: ${a.keyEnv} }`;
  const secret = `{ env: ${a.secretEnv} }`;
  if (a.cloud === 'aliyun')
    account.push(note(`    accessKeyId: ${key}`, `the ${d.keyName}`), note(`    accessKeySecret: ${secret}`, `the ${d.secretName}`));
  else if (a.cloud === 'ucloud') account.push(`    publicKey: ${key}`, `    privateKey: ${secret}`);
  else
    account.push(
      `    auth: { type: aksk, accessKey: ${key}, secretKey: ${secret} }`,
      `    # auth: { type: password, domain: DOMAIN, user: USER, password: { env: ${a.cloud.toUpperCase()}_PASSWORD } }`,
    );
  account.push(
    a.endpoint
      ? `    endpoint: ${q(a.endpoint)}`
      : note('    # endpoint: https://...', 'optional: another API address (e.g. `backup-auditor simulate`)'),
  );

  const targets = a.targets.map((t) => {
    const where = d.regionOn === 'target' ? `, region: ${q(a.region)}${a.zone ? `, zone: ${q(a.zone)}` : ''}` : '';
    return `  - { id: ${q(t.id)}, account: ${q(a.accountName)}, service: ${a.service}, instance: ${q(t.instance)}${where}, labels: {} }`;
  });

  const channel = channelLines(a);
  return [
    `# yaml-language-server: $schema=${schemaRef}`,
    '# backup-auditor config, written by `backup-auditor init`. Check it with `backup-auditor validate`,',
    '# try the credentials with `backup-auditor doctor`, then run `backup-auditor run-once`.',
    '# Secrets are never written here: each names an environment variable ({ env: NAME }) or a file ({ file: PATH }).',
    '',
    note(`database: ${q(a.database)}`, 'SQLite file, relative to this file; created and migrated on first use'),
    note(`timezone: ${q(a.timezone)}`, 'schedules, reports and times typed on the command line'),
    'schedules: { poll: "*/30 * * * *", report: "0 8 * * 1" }',
    '',
    'accounts:',
    ...account,
    '',
    note('targets:', 'one per database instance; labels select profiles, routes and silences'),
    ...targets,
    '',
    note('rules:', 'defaults for every target (`backup-auditor rules` lists them all)'),
    '  recent-success: { maxAge: 24h, severity: critical }',
    '  failed-backup: { lookback: 24h, severity: warning }',
    '',
    'channels:',
    ...channel,
    'routes:',
    note('  - channels: [alerts]', 'no match = every finding'),
    'alerting: { groupWait: 30s, repeatInterval: 24h, sendResolved: true }',
    '',
  ].join('\n');
}

function channelLines(a: InitAnswers): string[] {
  const env = a.channelEnv ?? CHANNEL_ENV[a.channel];
  if (a.channel === 'slack') return ['  alerts:', '    type: slack', note(`    webhook: { env: ${env} }`, 'the incoming-webhook URL')];
  if (a.channel === 'email') {
    return [
      '  alerts:',
      '    type: email',
      note(`    smtp: { env: ${env} }`, 'smtp://user:pass@host:587 or smtps://user:pass@host:465'),
      `    from: ${yamlScalar(a.emailFrom ?? '')}`,
      `    to: [${(a.emailTo ?? []).map(yamlScalar).join(', ')}]`,
    ];
  }
  return [
    '  alerts:',
    '    type: webhook',
    `    url: ${yamlScalar(a.webhookUrl ?? '')}`,
    a.channelEnv === undefined
      ? note('    # secret: { env: WEBHOOK_SECRET }', 'optional: signs the body (X-Signature)')
      : note(`    secret: { env: ${env} }`, 'signs the body (X-Signature: hex HMAC-SHA256)'),
  ];
}

/** The environment variables a rendered config reads, for the "set these next" hint. */
export function envVarsOf(a: InitAnswers): string[] {
  const channelEnv = a.channel === 'webhook' ? a.channelEnv : (a.channelEnv ?? CHANNEL_ENV[a.channel]);
  return [a.keyEnv, a.secretEnv, ...(channelEnv ? [channelEnv] : [])];
}
