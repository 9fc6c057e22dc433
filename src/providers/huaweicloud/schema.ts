import { z } from 'zod';
import { describeIssues } from '../aliyun/schema.js';

/** `total_count`, `offset`: numbers on the wire; numeric strings are accepted as well, as some gateways quote them. */
const count = z.union([z.number().int().nonnegative(), z.string().trim().regex(/^\d+$/).transform(Number)], {
  error: 'expected a non-negative integer or numeric string',
});

/** A usable backup id: a non-empty string or an exact integer. */
const backupId = z.union([z.string().trim().min(1), z.number().int().refine(Number.isSafeInteger, 'number too large to be an exact id')], {
  error: 'expected a non-empty string or an integer',
});

/**
 * The key that holds an item's id: `id`, or failing that a key that is `id` once trimmed and
 * lowercased (the OTC documentation's own example writes `"id "`). Undefined when there is none.
 */
export function idKey(item: Readonly<Record<string, unknown>>): string | undefined {
  if (Object.hasOwn(item, 'id')) return 'id';
  return Object.keys(item).find((k) => k.trim().toLowerCase() === 'id');
}

/**
 * One item of `backups`, as received. Only an id is required: without one an item can be neither
 * stored nor told apart from the others. Every other field is checked by the normalizer, which keeps
 * what it cannot read as null/unknown and lists it in `problems`; unknown fields pass through to `raw`.
 */
export const gatewayBackupItem = z.record(z.string(), z.unknown()).superRefine((item, ctx) => {
  const key = idKey(item);
  if (key === undefined) {
    ctx.addIssue({ code: 'custom', message: 'missing', path: ['id'] });
    return;
  }
  const id = backupId.safeParse(item[key]);
  if (!id.success) ctx.addIssue({ code: 'custom', message: id.error.issues[0]?.message ?? 'not an id', path: [key] });
});
/** A `backups` item as received: every field unknown until the normalizer reads it. */
export type GatewayBackupItem = z.infer<typeof gatewayBackupItem>;

/** `{backups: [...], total_count}`, the response of both OTC RDS and Huawei DDS `GET /v3/{project_id}/backups`. */
export const backupsPage = z.looseObject({
  backups: z.array(gatewayBackupItem),
  total_count: count,
});
export type BackupsPage = z.infer<typeof backupsPage>;

/** A validated page, or the first problem found in it (path and message only, no values). */
export type BackupsPageParse = { ok: true; page: BackupsPage } | { ok: false; problem: string };

/** Validates a parsed JSON page; a failure names the first offending field, e.g. `backups[3].id: missing`. */
export function parseBackupsPage(json: unknown): BackupsPageParse {
  const result = backupsPage.safeParse(json);
  return result.success ? { ok: true, page: result.data } : { ok: false, problem: describeIssues(result.error.issues) };
}

/**
 * The error shapes behind this gateway, folded into one: services and the API gateway send
 * `{error_code, error_msg, request_id?}`; IAM sends `{error: {code, message, title}}`; a few older
 * services send `{code, message}`.
 */
const serviceError = z.looseObject({ error_code: z.string().min(1), error_msg: z.string().optional(), request_id: z.string().optional() });
const iamError = z.looseObject({
  error: z.looseObject({
    code: z.union([z.number(), z.string()]).optional(),
    message: z.string().optional(),
    title: z.string().optional(),
  }),
});
const plainError = z.looseObject({ code: z.union([z.string().min(1), z.number()]), message: z.string().optional() });

/** The provider's error: its code (`APIG.0308`, `DBS.200002`, IAM's `401`), message and request id. */
export interface GatewayErrorBody {
  readonly code: string;
  readonly message: string | undefined;
  readonly requestId: string | undefined;
}

/** The error in a response body, if the text is one of the known error shapes. */
export function gatewayErrorBody(text: string): GatewayErrorBody | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const service = serviceError.safeParse(json);
  if (service.success) return { code: service.data.error_code, message: service.data.error_msg, requestId: service.data.request_id };
  const iam = iamError.safeParse(json);
  if (iam.success) {
    const { code, message, title } = iam.data.error;
    return {
      code: String(code ?? title ?? 'unknown'),
      message: [title, message].filter(Boolean).join(': ') || undefined,
      requestId: undefined,
    };
  }
  const plain = plainError.safeParse(json);
  if (plain.success) return { code: String(plain.data.code), message: plain.data.message, requestId: undefined };
  return undefined;
}

/** IAM's answer to `POST /v3/auth/tokens`: only `token.expires_at` matters here. */
export const iamTokenBody = z.looseObject({
  token: z.looseObject({ expires_at: z.string().min(1) }),
});
