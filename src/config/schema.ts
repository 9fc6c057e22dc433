import { z } from 'zod';
import { frameworks } from '../controls/registry.js';
import { duration, durationOrZero } from '../core/duration.js';
import { AUDITOR_TARGET_ID } from '../domain/finding.js';
import { channel, heartbeat, route } from './channels.js';
import { retention } from './retention.js';
import { secretRef } from './secret.js';

const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._/-]*$/, 'must start with a letter or digit and use only letters, digits, . _ / -');
const url = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const labels = z.record(z.string(), z.string());
const rateLimit = z.strictObject({ perSecond: z.number().positive().max(10_000) });
const endpoints = {
  endpoint: url.optional(),
  rateLimit: rateLimit.optional(),
  /** Accept a plain-http `endpoint`/`iamEndpoint` on a non-loopback host (a TLS-terminating proxy on a trusted network). */
  allowInsecure: z.boolean().optional(),
};

/**
 * `discover:` on an account: list its instances on `schedules.discover` so `coverage` can tell which
 * databases no target audits, read their backup policies for `backup-policy`, and (by default) turn
 * them into targets `<account>/<service>/<instance>`.
 */
export const discoverOption = z.strictObject({
  /** Services to list; empty = every service of the account's cloud. */
  services: z.array(z.string().min(1)).default([]),
  /** Labels given to the generated targets (over the instance's provider tags), so label profiles select them. */
  labels: labels.default({}),
  /** Instance ids or id/name globs (`*`, `?`) left out of coverage and auto-targets, each with the reason an auditor will read. */
  exclude: z.array(z.union([z.string().min(1), z.strictObject({ match: z.string().min(1), reason: z.string().min(1) })])).default([]),
  /** Regions to list (UCloud needs them: its accounts have none; for the others they replace the account's region). */
  regions: z.array(z.string().min(1)).default([]),
  /** Generate a target for every discovered primary that is not excluded; explicit targets of the same instance win. */
  autoTargets: z.boolean().default(true),
});
export type DiscoverOption = z.infer<typeof discoverOption>;
const discovery = { discover: discoverOption.optional() };

export const ucloudAccount = z.strictObject({
  cloud: z.literal('ucloud'),
  publicKey: secretRef,
  privateKey: secretRef,
  projectId: z.string().min(1).optional(),
  ...endpoints,
  ...discovery,
});

const huaweiAuth = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('aksk'), accessKey: secretRef, secretKey: secretRef }),
  z.strictObject({
    type: z.literal('password'),
    domain: z.string().min(1),
    user: z.string().min(1),
    password: secretRef,
  }),
]);
const huaweiShape = {
  region: z.string().min(1),
  projectId: z.string().min(1),
  auth: huaweiAuth,
  iamEndpoint: url.optional(),
  ...endpoints,
  ...discovery,
};
export const otcAccount = z.strictObject({ cloud: z.literal('otc'), ...huaweiShape });
export const huaweicloudAccount = z.strictObject({ cloud: z.literal('huaweicloud'), ...huaweiShape });

export const aliyunAccount = z.strictObject({
  cloud: z.literal('aliyun'),
  regionId: z.string().min(1),
  accessKeyId: secretRef,
  accessKeySecret: secretRef,
  securityToken: secretRef.optional(),
  /**
   * How requests are signed: `v1` (RPC HMAC-SHA1 over the query, the default) or `v3`
   * (ACS3-HMAC-SHA256 over headers and query, what the newer official SDKs send). Absent means v1.
   */
  signatureVersion: z.enum(['v1', 'v3']).optional(),
  ...endpoints,
  ...discovery,
});

export const account = z
  .discriminatedUnion('cloud', [ucloudAccount, otcAccount, huaweicloudAccount, aliyunAccount])
  .superRefine((a, ctx) => {
    // Signed requests and IAM passwords travel in the clear over http: only loopback (the simulator,
    // a local proxy) is safe without the account saying so.
    if (a.allowInsecure === true) return;
    const fields = { endpoint: a.endpoint, iamEndpoint: 'iamEndpoint' in a ? a.iamEndpoint : undefined };
    for (const [field, value] of Object.entries(fields)) {
      if (value === undefined || !isPlainHttpRemote(value)) continue;
      ctx.addIssue({
        code: 'custom',
        path: [field],
        message: 'must be https (plain http is only accepted for a loopback host, or with allowInsecure: true)',
      });
    }
  });
export type AccountConfig = z.infer<typeof account>;
export type Cloud = AccountConfig['cloud'];

/** Which services each cloud offers; a target's `service` must be one of its account's. */
export const SERVICES_BY_CLOUD: Record<Cloud, readonly string[]> = {
  ucloud: ['upgsql', 'tidb'],
  otc: ['rds'],
  huaweicloud: ['dds'],
  aliyun: ['rds'],
};

/** Per-rule settings: `false` disables, `true` enables with defaults, an object sets parameters. */
export const ruleSetting = z.union([z.boolean(), z.record(z.string(), z.unknown())]);
export const ruleSettings = z.record(z.string(), ruleSetting);
export type RuleSettings = z.infer<typeof ruleSettings>;

export const target = z.strictObject({
  id,
  account: z.string().min(1),
  service: z.string().min(1),
  instance: z.string().min(1),
  region: z.string().min(1).optional(),
  zone: z.string().min(1).optional(),
  labels: labels.default({}),
  rules: ruleSettings.default({}),
  schedule: z.string().min(1).optional(),
});
export type TargetConfig = z.infer<typeof target>;

/**
 * The target list, compiled by zod into one generated function (`z.compile`): a fleet's config lists
 * tens of thousands of targets, and checking each through the general parser was most of reading a
 * large config. A list it refuses is parsed again by the general parser, so problems read the same.
 */
export const targetList = z.compile(z.array(target));

const listen = z.string().regex(/^[^\s:]+:\d{1,5}$/, 'must be host:port, e.g. 127.0.0.1:9464');

export const configSchema = z.strictObject({
  database: z.string().min(1).default('./data/backup-auditor.db'),
  redis: z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' }).optional(),
  /** Scale-out tuning; the defaults suit most deployments. */
  queue: z
    .strictObject({
      /** Key prefix in Redis, so several deployments can share one server. */
      prefix: z
        .string()
        .regex(/^[A-Za-z0-9_.-]+$/)
        .default('backup-auditor'),
      /** How long a worker holds a job before it must renew the lock; a dead worker's job is retried after about this. */
      lockDuration: duration.default(30_000),
      /** How often workers look for jobs whose worker died. */
      stalledInterval: duration.default(30_000),
      /** Polls `start` runs at once (rate limits still apply per account); polling is network-bound. */
      pollConcurrency: z.number().int().min(0).max(256).default(16),
    })
    .default({ prefix: 'backup-auditor', lockDuration: 30_000, stalledInterval: 30_000, pollConcurrency: 16 }),
  timezone: z.string().default('UTC').refine(isTimeZone, { message: 'unknown IANA time zone' }),
  schedules: z
    .strictObject({
      poll: z.string().default('*/30 * * * *'),
      report: z.string().default('0 8 * * 1'),
      discover: z.string().default('0 * * * *'),
      /** When the daemon backs up its database into `dbBackup.dir` (only with `dbBackup:`). */
      dbBackup: z.string().default('0 3 * * *'),
      /** When the daemon prunes what `retention` no longer keeps (only with `retention:`). */
      prune: z.string().default('30 3 * * *'),
    })
    .default({ poll: '*/30 * * * *', report: '0 8 * * 1', discover: '0 * * * *', dbBackup: '0 3 * * *', prune: '30 3 * * *' }),
  /**
   * The daemon's HTTP server: /healthz, /metrics, and with `apiToken` (a secret) `POST /api/v1/drills`,
   * authenticated by `Authorization: Bearer <apiToken>`.
   */
  http: z.strictObject({ listen, apiToken: secretRef.optional() }).optional(),
  heartbeat: heartbeat.optional(),
  /**
   * The daemon's own evidence backups: on `schedules.dbBackup` a consistent, checked copy of the database
   * goes into `dir` (relative to this file), the newest `keep` are kept, and `evidence-backup` judges them.
   */
  dbBackup: z.strictObject({ dir: z.string().min(1), keep: z.number().int().min(1).max(1000).default(14) }).optional(),
  retention: retention.optional(),
  accounts: z.record(id, account).refine((a) => Object.keys(a).length > 0, 'at least one account is needed'),
  /** May be empty when an account discovers: its instances become the targets. */
  targets: targetList.default([]),
  rules: ruleSettings.default({}),
  profiles: z.array(z.strictObject({ match: labels, rules: ruleSettings })).default([]),
  channels: z.record(id, channel).default({}),
  routes: z.array(route).default([]),
  alerting: z
    .strictObject({
      groupWait: durationOrZero.default(30_000),
      repeatInterval: duration.default(86_400_000),
      sendResolved: z.boolean().default(true),
    })
    .default({ groupWait: 30_000, repeatInterval: 86_400_000, sendResolved: true }),
  report: z
    .strictObject({
      channels: z.array(z.string().min(1)).default([]),
      /**
       * The Chromium (or Chrome) that renders PDF reports: a path, relative to this file, or a command
       * on PATH. Absent: `chromium`, `chromium-browser`, then `google-chrome` are looked for on PATH.
       */
      chromium: z.string().min(1).optional(),
      /** Attach the report as `report-<week>.pdf` to email channels; without Chromium it goes out without, and the log says why. */
      attachPdf: z.boolean().default(false),
    })
    .default({ channels: [], attachPdf: false }),
  /** Signing reports: `signingKey` is an Ed25519 private key in PEM (a secret: `{file: PATH}`); `report` then writes `<out>.sig`. */
  evidence: z.strictObject({ signingKey: secretRef.optional() }).optional(),
  /** Frameworks whose controls the weekly report and `controls` judge (src/controls/); absent = no Controls section. */
  frameworks: z
    .array(z.enum(frameworks.ids, { error: (i) => `unknown framework ${JSON.stringify(i.input)}; known: ${frameworks.ids.join(', ')}` }))
    .optional(),
});
export type Config = z.infer<typeof configSchema>;

/** Problems of the whole file that no single field shows; checked after the schema, with the references. */
export function wholeConfigProblems(config: Config): string[] {
  const discovering = Object.values(config.accounts).some((a) => a.discover?.autoTargets);
  const problems =
    config.targets.length === 0 && !discovering
      ? ['targets: at least one target is needed (or an account with `discover:` to generate them)']
      : [];
  config.targets.forEach((t, i) => {
    if (t.id === AUDITOR_TARGET_ID) problems.push(`targets[${i}].id: "${t.id}" is reserved for the findings about the auditor itself`);
  });
  return problems;
}

/** `http:` (in any case: URL lowercases it) to a host other than localhost, 127.0.0.0/8 or [::1]. */
function isPlainHttpRemote(value: string): boolean {
  // Refinements also run when the field itself failed; `url` has already reported a value that is no URL.
  if (!URL.canParse(value)) return false;
  const { protocol, hostname } = new URL(value);
  return protocol === 'http:' && !(hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname));
}

function isTimeZone(tz: string): boolean {
  // ECMA-402 requires every implementation to know UTC, the default: no need to load the time zone data.
  if (tz === 'UTC') return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
