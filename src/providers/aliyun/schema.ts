import { z } from 'zod';

/**
 * Counts in DescribeBackups responses: numbers on the wire today, but the official SDKs type them as
 * strings and the documentation's examples quote them, so both are accepted.
 */
const count = z.union([z.number().int().nonnegative(), z.string().trim().regex(/^\d+$/).transform(Number)], {
  error: 'expected a non-negative integer or numeric string',
});

/** One item of `Items.Backup`: a usable `BackupId`, anything else as the provider sent it. */
export interface AliyunBackupItem {
  readonly BackupId: number | string;
  readonly [field: string]: unknown;
}

const isRecord = (v: unknown): v is Readonly<Record<string, unknown>> => typeof v === 'object' && v !== null && !Array.isArray(v);
// Ids above 2^53 would already have lost digits in JSON.parse; refuse rather than store a wrong id.
const usableId = (id: unknown): boolean =>
  (typeof id === 'number' && Number.isSafeInteger(id)) || (typeof id === 'string' && id.trim() !== '');

/**
 * One item of `Items.Backup`. Only `BackupId` is required: without it an item can be neither stored
 * nor told apart from the others, so the page is refused (as for UCloud and Huawei). Every other
 * field is taken as it comes and judged by the normalizer, which keeps what it cannot read as
 * null/unknown and lists it in `problems`; unknown fields pass through to `raw`. A check rather than
 * an object schema: the item is used as parsed, not copied field by field, since this runs for
 * every listed backup and a copy of each would only add allocations.
 */
export const aliyunBackupItem = z.custom<AliyunBackupItem>((v) => isRecord(v) && usableId(v.BackupId), {
  path: ['BackupId'],
  error: (issue) => {
    if (!isRecord(issue.input)) return 'expected an object with a BackupId';
    const id = issue.input.BackupId;
    return typeof id === 'number' && Number.isInteger(id)
      ? 'number too large to be an exact id'
      : 'expected a number or a non-empty string';
  },
});

/**
 * One DescribeBackups page. `Items` is missing, `{}` or `{Backup: []}` on empty pages depending on the
 * region and API gateway version, so all three mean "no items". Checked by the parser zod compiles
 * from it (every page of every poll is), which hands what it refuses to the general one for the issues.
 */
export const describeBackupsPage = z.compile(
  z.looseObject({
    RequestId: z.string().optional(),
    TotalRecordCount: count,
    PageNumber: count,
    PageRecordCount: count.optional(),
    Items: z.looseObject({ Backup: z.array(aliyunBackupItem).nullish() }).nullish(),
  }),
);
export type DescribeBackupsPage = z.infer<typeof describeBackupsPage>;

/** Alibaba's error body, the same for every RPC API: `{RequestId, HostId, Code, Message, Recommend}`. */
export const aliyunErrorBody = z.looseObject({
  RequestId: z.string().optional(),
  HostId: z.string().optional(),
  Code: z.string().min(1),
  Message: z.string().optional(),
  Recommend: z.string().optional(),
});
export type AliyunErrorBody = z.infer<typeof aliyunErrorBody>;

/** The items of a page, whichever empty shape the provider chose. */
export function pageItems(page: DescribeBackupsPage): readonly AliyunBackupItem[] {
  return page.Items?.Backup ?? [];
}

/** A validated page, or the first problem found in it. */
export type PageParse = { ok: true; page: DescribeBackupsPage } | { ok: false; problem: string };

/**
 * Validates a parsed JSON page; a failure names the first offending field, e.g.
 * `Items.Backup[3].BackupId: expected a number or a non-empty string`.
 */
export function parseDescribeBackupsPage(json: unknown): PageParse {
  const result = describeBackupsPage.safeParse(json);
  return result.success ? { ok: true, page: result.data } : { ok: false, problem: describeIssues(result.error.issues) };
}

/** `path: message` of the first issue, plus how many more there were; no values, so nothing from the page leaks. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  const [first] = issues;
  if (!first) return 'unknown validation problem';
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
  return `${formatPath(first.path)}: ${first.message.replace(/^Invalid input: /, '')}${more}`;
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(page)';
  return path.reduce<string>(
    (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc === '' ? String(key) : `${acc}.${String(key)}`),
    '',
  );
}
