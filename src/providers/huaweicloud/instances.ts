import { z } from 'zod';
import { ProviderError } from '../../core/errors.js';
import type { BackupPolicy } from '../../domain/policy.js';
import { describeIssues } from '../aliyun/schema.js';
import { type DiscoveredInstance, type InstanceSource, parseIsoWeekdays, parseWindow } from '../discovery-types.js';
import { huaweiDdsEndpoint } from './dds-backups.js';
import { type GatewayAccount, gatewayClientFor, type HuaweicloudAccount, type OtcAccount, type ParseResult } from './gateway-client.js';
import { IamTokenCache } from './iam.js';
import { otcRdsEndpoint } from './otc-rds-backups.js';

const LIMIT = 100;
const HARD_MAX_PAGES = 10_000;
const text = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((v) => (v === null || v === undefined ? null : String(v)));
const strategy = z.looseObject({ start_time: text, keep_days: z.coerce.number().int().min(0).nullish() }).nullish();
const item = z.looseObject({
  id: z.string().min(1),
  name: text,
  status: text,
  type: text,
  mode: text,
  region: text,
  created: text,
  backup_strategy: strategy,
  tags: z.array(z.looseObject({ key: z.string(), value: z.union([z.string(), z.number()]).nullish() })).nullish(),
  // OTC/Huawei RDS (SDK `RelatedInstance`): on a read replica, `{id, type: "replica_of"}` names its primary.
  related_instance: z.array(z.looseObject({ id: z.string().min(1), type: text })).nullish(),
});
const page = z.looseObject({ instances: z.array(item), total_count: z.coerce.number().int().nonnegative() });
type Page = z.infer<typeof page>;
const policyBody = z.looseObject({
  backup_policy: z.looseObject({ keep_days: z.coerce.number().int().min(0).nullish(), start_time: text, period: text }),
});

const parser =
  <T>(schema: z.ZodType<T>) =>
  (json: unknown): ParseResult<T> => {
    const r = schema.safeParse(json);
    return r.success ? { ok: true, value: r.data } : { ok: false, problem: describeIssues(r.error.issues) };
  };

/** `2018-08-20T02:33:49+0800` (OTC) or `2019-01-17T07:05:52` (DDS, no zone: taken as UTC). */
function parseCreated(value: string | null): number | null {
  if (!value) return null;
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(value);
  if (!m) return null;
  const zone = m[2] === undefined ? 'Z' : m[2] === 'Z' ? 'Z' : `${m[2].slice(0, 3)}:${m[2].slice(-2)}`;
  const ms = Date.parse(`${m[1]}${zone}`);
  return Number.isNaN(ms) ? null : ms;
}

/** `backup_strategy` from the list: `keep_days: 0` means automated backup is off; weekdays need the policy call. */
export function strategyPolicy(
  s: { start_time: string | null; keep_days?: number | null | undefined } | null | undefined,
  source: string,
): BackupPolicy | undefined {
  if (!s) return undefined;
  const keep = s.keep_days ?? null;
  return {
    automated: keep === null ? null : keep > 0,
    retentionDays: keep,
    retentionIsCount: false,
    window: parseWindow(s.start_time),
    weekdays: null,
    source,
  };
}

interface Spec {
  readonly label: string;
  readonly defaultEndpoint: (region: string) => string;
}

function gatewayInstances<A extends GatewayAccount>(cloud: A['cloud'], service: string, spec: Spec): InstanceSource<A> {
  const tokens = new IamTokenCache();
  return {
    id: `${cloud}/${service}`,
    cloud,
    service,
    async list(account, accountName, _scope, ctx) {
      const client = gatewayClientFor(account, accountName, ctx, spec, tokens);
      const out: DiscoveredInstance[] = [];
      const seen = new Set<string>();
      let total: number | undefined;
      for (let n = 1; n <= HARD_MAX_PAGES; n++) {
        const p: Page = await client.get(
          'instances',
          [
            ['offset', String(seen.size)],
            ['limit', String(LIMIT)],
          ],
          `instances page ${n}`,
          parser(page),
        );
        if (total === undefined) total = p.total_count;
        else if (total !== p.total_count) throw changed(spec.label, `total_count went from ${total} to ${p.total_count}`);
        for (const i of p.instances) {
          if (seen.has(i.id)) throw changed(spec.label, `instance ${i.id} listed twice`);
          seen.add(i.id);
          const tags = Object.fromEntries(
            (i.tags ?? []).map((t) => [t.key, t.value === null || t.value === undefined ? '' : String(t.value)]),
          );
          const policy = strategyPolicy(i.backup_strategy, `${spec.label} instances backup_strategy`);
          const replica = (i.type ?? '').toLowerCase() === 'replica';
          const primary = replica
            ? ((i.related_instance ?? []).find((r) => (r.type ?? '').toLowerCase() === 'replica_of')?.id ?? null)
            : null;
          out.push({
            instance: i.id,
            name: i.name,
            region: i.region ?? account.region,
            zone: null,
            status: i.status ?? 'unknown',
            replica,
            primary,
            createdAt: parseCreated(i.created),
            tags,
            ...(policy && { policy }),
          });
        }
        if (seen.size >= total || p.instances.length === 0) {
          if (seen.size !== total) throw changed(spec.label, `pages hold ${seen.size} of ${total} instances`);
          return out;
        }
      }
      throw changed(spec.label, `${HARD_MAX_PAGES} pages and no end`);
    },
    async policy(account, accountName, instance, ctx) {
      const client = gatewayClientFor(account, accountName, ctx, spec, tokens);
      const body = await client.get(
        `instances/${encodeURIComponent(instance.instance)}/backups/policy`,
        [],
        'backup policy',
        parser(policyBody),
      );
      const p = body.backup_policy;
      const keep = p.keep_days ?? null;
      return {
        automated: keep === null ? null : keep > 0,
        retentionDays: keep,
        retentionIsCount: false,
        window: parseWindow(p.start_time),
        weekdays: parseIsoWeekdays(p.period),
        source: `${spec.label} backups/policy`,
      };
    },
  };
}

function changed(label: string, detail: string): ProviderError {
  return new ProviderError('invalid-response', `${label} instances: listing changed while paging; retry next discovery (${detail})`, {
    permanent: true,
  });
}

/** OTC RDS v3 `GET /v3/{project_id}/instances`; `type: Replica` marks read replicas. */
export const otcRdsInstances = gatewayInstances<OtcAccount>('otc', 'rds', { label: 'otc rds', defaultEndpoint: otcRdsEndpoint });
/** Huawei Cloud DDS v3 `GET /v3/{project_id}/instances`. */
export const huaweiDdsInstances = gatewayInstances<HuaweicloudAccount>('huaweicloud', 'dds', {
  label: 'huaweicloud dds',
  defaultEndpoint: huaweiDdsEndpoint,
});
