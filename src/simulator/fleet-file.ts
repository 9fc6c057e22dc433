import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { parseDuration } from '../core/duration.js';
import { DEFAULT_SIM_POLICY } from './catalog-instances.js';
import type { SimBackupInput } from './fleet.js';
import { checkFleetSpec, type FleetSpec, POLICY_WINDOW, type SpecInstance } from './fleet-spec.js';
import { mixedFleet } from './mixed-fleet.js';

/**
 * The fleet file (`simulate --fleet FILE`), YAML or JSON, so users can script what the simulator
 * serves:
 *
 * ```yaml
 * mix: { seed: 7, perApi: 6 }          # optional: start from the generated mix (accounts ali-sim, uc-sim, otc-sim, hw-sim)
 * accounts:
 *   - { name: ali, cloud: aliyun, region: cn-hangzhou, accessKeyId: LTAI5tMyKey, accessKeySecret: my-secret,
 *       signatureVersion: v3, rateLimit: { perSecond: 5, burst: 10 } }
 *   - { name: otc, cloud: otc, region: eu-de, projectId: 0483b6b1..., accessKeyId: AK, accessKeySecret: SK,
 *       password: { domain: acme, user: auditor, password: pw }, auth: password }
 * instances:
 *   - id: rm-orders
 *     account: ali
 *     service: rds
 *     story: tonight's backup failed
 *     expect: [failed-backup]
 *     backups:
 *       - { status: failed, startedAt: now-3h, size: 0 }
 *     series:                            # `count` backups every `every`, the newest ending at `lastEnd`
 *       - { every: 24h, count: 10, lastEnd: now-20h, duration: 30m, size: 5GiB }
 *   - { id: rm-gone, account: ali, service: rds, missing: true, expect: [target-missing, coverage] }
 *   - { id: rr-orders, account: ali, service: rds, replicaOf: rm-orders }   # a read replica: discovery lists it, no target
 *   - id: rm-shadow                       # at the provider, not in the config: coverage alarms for ali/rds/rm-shadow
 *     account: ali
 *     service: rds
 *     untargeted: true
 *     policy: { keepDays: 0 }            # automated backup off; window (default 02:00-03:00 UTC), weekdays (0 = Sunday, default all)
 * ```
 *
 * Instants are ISO-8601 with a zone, epoch ms, or relative to the simulator's start (`now`,
 * `now-26h`, `now+10m`). Sizes are bytes or `512MiB`, `5GiB` (binary units only). Status words are
 * `completed`, `failed`, `running` (rendered in each API's words) or the provider's own.
 */

const RELATIVE = /^now(?:\s*([+-])\s*(.+))?$/;
const SIZE = /^(\d+(?:\.\d+)?)\s*(B|KiB|MiB|GiB|TiB)$/;
const SIZE_UNITS = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4 } as const;

function schemas(now: number) {
  const instant = z.union([z.number().int(), z.string()]).transform((value, ctx) => {
    if (typeof value === 'number') return value;
    const rel = RELATIVE.exec(value.trim());
    const offset = rel?.[2] === undefined ? 0 : parseDuration(rel[2]);
    if (rel && offset !== null) return rel[1] === '-' ? now - offset : now + offset;
    const iso = z.iso.datetime({ offset: true }).safeParse(value);
    if (iso.success) return Date.parse(value);
    ctx.addIssue({ code: 'custom', message: `"${value}" is not an instant: use ISO-8601 with a zone, epoch ms, now, or now-26h` });
    return z.NEVER;
  });
  const duration = z.string().transform((text, ctx) => {
    const ms = parseDuration(text);
    if (ms === null || ms <= 0) {
      ctx.addIssue({ code: 'custom', message: `invalid duration "${text}": use e.g. 30m, 24h` });
      return z.NEVER;
    }
    return ms;
  });
  const size = z.union([z.number().nonnegative(), z.string()]).transform((value, ctx) => {
    if (typeof value === 'number') return Math.round(value);
    const m = SIZE.exec(value.trim());
    if (m) return Math.round(Number(m[1]) * SIZE_UNITS[m[2] as keyof typeof SIZE_UNITS]);
    ctx.addIssue({ code: 'custom', message: `"${value}" is not a size: use bytes or e.g. 512MiB, 5GiB` });
    return z.NEVER;
  });
  const common = {
    kind: z.enum(['full', 'incremental']).default('full'),
    mode: z.enum(['Automated', 'Manual']).default('Automated'),
    method: z.enum(['Physical', 'Logical']).optional(),
  };
  const backup = z.strictObject({
    id: z.string().min(1).optional(),
    name: z.string().min(1).optional(),
    status: z.string().min(1),
    startedAt: instant,
    /** Default: startedAt + duration, or null for a running backup. */
    endedAt: instant.nullable().optional(),
    duration: duration.default(30 * 60_000),
    size: size.default(0),
    ...common,
  });
  const series = z.strictObject({
    every: duration.default(86_400_000),
    count: z.number().int().min(1).max(10_000),
    lastEnd: instant,
    duration: duration.default(30 * 60_000),
    size: size,
    status: z.string().min(1).default('completed'),
    ...common,
  });
  const account = z.strictObject({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._/-]*$/, 'must start with a letter or digit and use only letters, digits, . _ / -'),
    cloud: z.enum(['aliyun', 'ucloud', 'otc', 'huaweicloud']),
    accessKeyId: z.string().min(1),
    accessKeySecret: z.string().min(1),
    region: z.string().min(1).optional(),
    projectId: z.string().min(1).optional(),
    password: z.strictObject({ domain: z.string().min(1), user: z.string().min(1), password: z.string().min(1) }).optional(),
    auth: z.enum(['aksk', 'password']).optional(),
    signatureVersion: z.enum(['v1', 'v3']).optional(),
    rateLimit: z.strictObject({ perSecond: z.number().positive(), burst: z.number().int().min(1).optional() }).optional(),
  });
  const policy = z.strictObject({
    keepDays: z
      .number({ error: 'must be a number of days (0 = automated backup off)' })
      .int('must be a whole number of days')
      .min(0, 'must be 0 (automated backup off) or more days'),
    window: z.string().regex(POLICY_WINDOW, 'must be HH:MM-HH:MM (UTC), e.g. 02:00-03:00').default(DEFAULT_SIM_POLICY.window),
    weekdays: z
      .array(z.number().int().min(0, 'must be 0 (Sunday) to 6 (Saturday)').max(6, 'must be 0 (Sunday) to 6 (Saturday)'))
      .refine((days) => new Set(days).size === days.length, 'must not name a day twice')
      .default([...DEFAULT_SIM_POLICY.weekdays]),
  });
  const instance = z.strictObject({
    id: z.string().min(1),
    account: z.string().min(1),
    service: z.string().min(1),
    region: z.string().min(1).optional(),
    zone: z.string().min(1).optional(),
    name: z.string().min(1).optional(),
    missing: z.boolean().optional(),
    replicaOf: z.string().min(1).optional(),
    untargeted: z.boolean().optional(),
    policy: policy.optional(),
    target: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]*$/, 'must start with a letter or digit and use only letters, digits, . _ / -')
      .optional(),
    labels: z.record(z.string(), z.string()).optional(),
    story: z.string().optional(),
    expect: z.array(z.string().min(1)).optional(),
    backups: z.array(backup).default([]),
    series: z.array(series).default([]),
  });
  return z.strictObject({
    mix: z
      .strictObject({
        seed: z.number().int(),
        perApi: z.number().int().min(1).max(1_000).optional(),
        days: z.number().int().min(5).max(365).optional(),
      })
      .optional(),
    accounts: z.array(account).default([]),
    instances: z.array(instance).default([]),
  });
}

type FleetFile = z.infer<ReturnType<typeof schemas>>;
type FileInstance = FleetFile['instances'][number];

/** Parses a fleet file's text (YAML, of which JSON is a subset), with relative times taken from `now`; throws naming every problem. */
export function parseFleetFile(text: string, now: number, source = 'fleet file'): FleetSpec {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new Error(`${source}: not valid YAML or JSON: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  }
  const parsed = schemas(now).safeParse(raw ?? {});
  if (!parsed.success) throw new Error(`${source}:\n${z.prettifyError(parsed.error)}`);
  const file = parsed.data;
  const mix = file.mix
    ? mixedFleet({
        seed: file.mix.seed,
        now,
        ...(file.mix.perApi !== undefined && { perApi: file.mix.perApi }),
        ...(file.mix.days !== undefined && { days: file.mix.days }),
      })
    : { accounts: [], instances: [] };
  const spec: FleetSpec = {
    accounts: [
      ...mix.accounts,
      ...file.accounts.map(({ rateLimit, ...a }) => ({
        ...a,
        ...(rateLimit && {
          rateLimit: { perSecond: rateLimit.perSecond, ...(rateLimit.burst !== undefined && { burst: rateLimit.burst }) },
        }),
      })),
    ],
    instances: [...mix.instances, ...file.instances.map(toSpecInstance)],
  };
  const problems = checkFleetSpec(spec);
  if (problems.length > 0) throw new Error(`${source}:\n  ${problems.join('\n  ')}`);
  return spec;
}

/** Reads and parses a fleet file. */
export function loadFleetFile(path: string, now: number): FleetSpec {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`fleet file ${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
  return parseFleetFile(text, now, `fleet file ${path}`);
}

function toSpecInstance(i: FileInstance): SpecInstance {
  const { backups, series, ...rest } = i;
  const scripted: SimBackupInput[] = backups.map((b) => ({
    ...(b.id !== undefined && { id: b.id }),
    ...(b.name !== undefined && { name: b.name }),
    ...(b.method !== undefined && { method: b.method }),
    status: b.status,
    kind: b.kind,
    mode: b.mode,
    startedAt: b.startedAt,
    endedAt: b.endedAt !== undefined ? b.endedAt : b.status === 'running' ? null : b.startedAt + b.duration,
    sizeBytes: b.size,
  }));
  const generated = series.flatMap((s) =>
    Array.from({ length: s.count }, (_, n): SimBackupInput => {
      const endedAt = s.lastEnd - n * s.every;
      return {
        status: s.status,
        kind: s.kind,
        mode: s.mode,
        ...(s.method !== undefined && { method: s.method }),
        startedAt: endedAt - s.duration,
        endedAt,
        sizeBytes: s.size,
      };
    }),
  );
  return { ...stripUndefined(rest), backups: [...scripted, ...generated] };
}

/** Optional fields left out rather than present as undefined (exactOptionalPropertyTypes). */
function stripUndefined<T extends object>(obj: T): T {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as T;
}
