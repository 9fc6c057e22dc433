import { z } from 'zod';
import { type Cloud, SERVICES_BY_CLOUD } from '../config/schema.js';

/**
 * What `init` asks: the clouds and channels it offers, the defaults it suggests, and the checks each
 * answer passes, whether it came from a flag or from a prompt.
 */

/** Clouds in the order `init` offers them. */
export const CLOUDS = ['aliyun', 'ucloud', 'otc', 'huaweicloud'] as const satisfies readonly Cloud[];
/** Channel types `init` can set up, in the order it offers them. */
export const CHANNEL_TYPES = ['slack', 'email', 'webhook'] as const;

/** What `init` asks for each cloud, and the answers it suggests. */
export interface CloudDefaults {
  readonly label: string;
  readonly keyEnv: string;
  readonly secretEnv: string;
  /** What the key pair is called in this cloud's console. */
  readonly keyName: string;
  readonly secretName: string;
  readonly region: string;
  /** Where the region goes: the account (`regionId`/`region`) or each target (UCloud). */
  readonly regionOn: 'account' | 'target';
  readonly needsProjectId: boolean;
  readonly zone?: string;
}

/** Per cloud: the usual variable names, region and what the key pair is called. */
export const CLOUD_DEFAULTS: Readonly<Record<Cloud, CloudDefaults>> = {
  aliyun: {
    label: 'Alibaba Cloud RDS',
    keyEnv: 'ALI_AK',
    secretEnv: 'ALI_SK',
    keyName: 'AccessKey ID',
    secretName: 'AccessKey secret',
    region: 'cn-hangzhou',
    regionOn: 'account',
    needsProjectId: false,
  },
  ucloud: {
    label: 'UCloud UPgSQL / TiDB',
    keyEnv: 'UCLOUD_PUBLIC_KEY',
    secretEnv: 'UCLOUD_PRIVATE_KEY',
    keyName: 'PublicKey',
    secretName: 'PrivateKey',
    region: 'cn-bj2',
    regionOn: 'target',
    needsProjectId: false,
    zone: 'cn-bj2-02',
  },
  otc: {
    label: 'Open Telekom Cloud RDS',
    keyEnv: 'OTC_AK',
    secretEnv: 'OTC_SK',
    keyName: 'access key (AK)',
    secretName: 'secret key (SK)',
    region: 'eu-de',
    regionOn: 'account',
    needsProjectId: true,
  },
  huaweicloud: {
    label: 'Huawei Cloud DDS',
    keyEnv: 'HUAWEICLOUD_AK',
    secretEnv: 'HUAWEICLOUD_SK',
    keyName: 'access key (AK)',
    secretName: 'secret key (SK)',
    region: 'cn-north-4',
    regionOn: 'account',
    needsProjectId: true,
  },
};

/** The variable each channel type's secret is usually kept in. */
export const CHANNEL_ENV: Readonly<Record<(typeof CHANNEL_TYPES)[number], string>> = {
  slack: 'SLACK_WEBHOOK_URL',
  email: 'SMTP_URL',
  webhook: 'WEBHOOK_SECRET',
};

const name = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]*$/, 'use letters, digits, . _ / - and start with a letter or digit');
const envName = z
  .string()
  .trim()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable NAME (letters, digits, _), never the secret itself');
const word = z.string().trim().min(1, 'must not be empty').regex(/^\S+$/, 'must not contain spaces');

/** `orders-db=rm-bp123`: a target id and the provider's instance id. */
export const targetPair = z
  .string()
  .trim()
  .regex(/^[^=\s]+=\S+$/, 'must be id=instance, e.g. orders-db=rm-bp1234567890')
  .transform((s) => ({ id: s.slice(0, s.indexOf('=')), instance: s.slice(s.indexOf('=') + 1) }))
  .pipe(z.object({ id: name, instance: word }));

/** A comma-separated list of addresses: `dba@example.com,ops@example.com`. */
export const emailList = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.email('must be an email address')).min(1, 'at least one address is needed'));

/** Each answer's own check; prompts and flags use the same ones. */
export const answerFields = {
  cloud: z.enum(CLOUDS, { error: `must be one of ${CLOUDS.join(', ')}` }),
  accountName: name,
  keyEnv: envName,
  secretEnv: envName,
  region: word,
  zone: word.optional(),
  projectId: word.optional(),
  endpoint: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  service: word,
  targets: z.array(z.object({ id: name, instance: word })).min(1, 'at least one target is needed: id=instance'),
  channel: z.enum(CHANNEL_TYPES, { error: `must be one of ${CHANNEL_TYPES.join(', ')}` }),
  channelEnv: envName.optional(),
  emailFrom: z.string().trim().min(3, 'must be an address such as backup-auditor@example.com').optional(),
  emailTo: z.array(z.email('must be an email address')).optional(),
  webhookUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  timezone: word,
  database: word,
};

/** The answers as far as they were understood: cross-checks run even when a field is wrong, so every problem shows at once. */
type PartialAnswers = { [K in keyof typeof answerFields]?: unknown } & { cloud: (typeof CLOUDS)[number] };

/** What the fields cannot say on their own; `path` is the answer's key. */
export function crossCheck(a: PartialAnswers): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  const services = SERVICES_BY_CLOUD[a.cloud];
  if (typeof a.service === 'string' && !services.includes(a.service))
    out.push({ path: 'service', message: `"${a.service}" is not a ${a.cloud} service; use ${services.join(' or ')}` });
  if (CLOUD_DEFAULTS[a.cloud].needsProjectId && !a.projectId)
    out.push({ path: 'projectId', message: `required for ${a.cloud} (the IAM project id of the region)` });
  if (a.cloud === 'ucloud' && a.service === 'upgsql' && !a.zone)
    out.push({ path: 'zone', message: 'required for ucloud upgsql targets (e.g. cn-bj2-02)' });
  if (a.channel === 'email' && (!a.emailFrom || !Array.isArray(a.emailTo) || a.emailTo.length === 0))
    out.push({ path: 'emailTo', message: 'an email channel needs --email-from and --email-to' });
  if (a.channel === 'webhook' && !a.webhookUrl) out.push({ path: 'webhookUrl', message: 'a webhook channel needs --webhook-url' });
  const ids = Array.isArray(a.targets) ? a.targets.map((t: { id?: unknown }) => t.id) : [];
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup !== undefined) out.push({ path: 'targets', message: `target id "${String(dup)}" given twice` });
  return out;
}

/** Everything `init` needs, whether it came from flags or from prompts; one schema checks both. */
export const initAnswers = z.object(answerFields).superRefine((a, ctx) => {
  for (const p of crossCheck(a)) ctx.addIssue({ code: 'custom', path: [p.path], message: p.message });
});
/** Checked answers, ready to render. */
export type InitAnswers = z.infer<typeof initAnswers>;
