import { z } from 'zod';
import { describeIssues } from '../aliyun/schema.js';

/**
 * Counts and codes: numbers on the wire, but UCloud's generated examples and some gateways send
 * numeric strings, so both are accepted.
 */
export const count = z.union([z.number().int().nonnegative(), z.string().trim().regex(/^\d+$/).transform(Number)], {
  error: 'expected a non-negative integer or numeric string',
});

/** `RetCode` may be negative in the SDKs' own transport errors, so any integer is accepted here. */
const retCode = z.union(
  [
    z.number().int(),
    z
      .string()
      .trim()
      .regex(/^-?\d+$/)
      .transform(Number),
  ],
  { error: 'expected an integer RetCode' },
);

/**
 * What every UCloud answer carries: `RetCode` (0 = success), `Action` (`<Action>Response`, absent
 * from some gateway errors such as `{"RetCode":171,"Message":"Signature VerifyAC Error"}`), `Message`.
 */
export const ucloudEnvelope = z.looseObject({
  RetCode: retCode,
  Action: z.string().optional(),
  Message: z.string().nullish(),
});
export type UcloudEnvelope = z.infer<typeof ucloudEnvelope>;

/** Backup ids: text, or a number (kept exact: ids above 2^53 would already have lost digits). */
const backupId = z.union(
  [z.string().trim().min(1), z.number().int().nonnegative().refine(Number.isSafeInteger, 'number too large to be an exact id')],
  {
    error: 'expected a non-empty string or a number',
  },
);

/**
 * One UPgSQL backup. Only `BackupID` is required: without it an item cannot be stored, so the page
 * is refused. Every other field is taken as it comes and judged by the normalizer, which keeps what
 * it cannot read as null and lists it in `problems` instead of dropping the backup.
 */
export const upgsqlBackupItem = z.looseObject({ BackupID: backupId });
export type UpgsqlBackupItem = z.infer<typeof upgsqlBackupItem>;

/** One TiDB backup; as for UPgSQL, only the id is required (the document spells it `BackupId` here). */
export const tidbBackupItem = z.looseObject({ BackupId: backupId });
export type TidbBackupItem = z.infer<typeof tidbBackupItem>;

/**
 * A ListUPgSQLBackup page. The list is `DataSet` in the parameter table and the SDKs, `Data` in the
 * document's example: either is read.
 */
export const upgsqlPage = z.looseObject({
  TotalCount: count,
  DataSet: z.array(upgsqlBackupItem).nullish(),
  Data: z.array(upgsqlBackupItem).nullish(),
});

/**
 * A ListTiDBClusterBackup page. The table types `Data` as a single BackupData object, the example
 * answers `"BackupData": {}`: an object or an array under either key is read, a single object being
 * one backup and an empty object none. `TotalCount` is optional.
 */
const tidbItems = z.preprocess(
  (value) => (isPlainObject(value) ? (Object.keys(value).length === 0 ? [] : [value]) : value),
  z.array(tidbBackupItem),
);
export const tidbPage = z.looseObject({
  TotalCount: count.optional(),
  Data: tidbItems.nullish(),
  BackupData: tidbItems.nullish(),
});

/** A page reduced to what paging needs: its items and the total, if the provider gave one. */
export interface UcloudPage<T> {
  readonly items: readonly T[];
  readonly total: number | undefined;
}

/** A validated page, or the first problem found in it (a field path and what was wrong, never a value). */
export type PageParse<T> = { ok: true; page: UcloudPage<T> } | { ok: false; problem: string };

/** Validates a ListUPgSQLBackup body (RetCode already checked). */
export function parseUpgsqlPage(json: unknown): PageParse<UpgsqlBackupItem> {
  const result = upgsqlPage.safeParse(json);
  if (!result.success) return { ok: false, problem: describeIssues(result.error.issues) };
  return oneList(result.data.DataSet, result.data.Data, 'DataSet', 'Data', result.data.TotalCount);
}

/** Validates a ListTiDBClusterBackup body (RetCode already checked). */
export function parseTidbPage(json: unknown): PageParse<TidbBackupItem> {
  const result = tidbPage.safeParse(json);
  if (!result.success) return { ok: false, problem: describeIssues(result.error.issues) };
  return oneList(result.data.Data, result.data.BackupData, 'Data', 'BackupData', result.data.TotalCount);
}

/** The one list a page holds; two non-empty lists under both names leave no way to know which is meant. */
function oneList<T>(
  first: readonly T[] | null | undefined,
  second: readonly T[] | null | undefined,
  firstName: string,
  secondName: string,
  total: number | undefined,
): PageParse<T> {
  if (first?.length && second?.length) return { ok: false, problem: `both ${firstName} and ${secondName} hold backups` };
  return { ok: true, page: { items: first?.length ? first : (second ?? []), total } };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
