import type { FaultName } from './faults.js';

/** One provider request the simulator answered (or deliberately left unanswered). */
export interface SimRequestRecord {
  /** `aliyun/rds`, or `unmatched` for a request no simulated API recognised. */
  readonly api: string;
  readonly method: string;
  /** Request parameters without `Signature`. */
  readonly params: Readonly<Record<string, string>>;
  readonly instance: string | undefined;
  /** HTTP status sent; 0 for a `timeout` fault (nothing was sent). */
  readonly status: number;
  readonly fault: FaultName | undefined;
  /** True when the account's rate limit refused the request (answered with the provider's throttling error). */
  readonly rateLimited?: boolean;
  /** Simulator clock, epoch ms. */
  readonly at: number;
}

/** Keeps memory bounded when a demo simulator runs for days. */
const MAX_RECORDS = 10_000;
/** Trimmed in batches: dropping one record per request would move the other 10,000 each time. */
const TRIM_BATCH = 1_000;

/** Counts and recent records of provider requests, for assertions ("3 pages of 100") and `/_sim/requests`. */
export class RequestLog {
  total = 0;
  /** Requests refused by an account's rate limit. */
  rateLimited = 0;
  readonly byApi: Record<string, number> = {};
  readonly records: SimRequestRecord[] = [];

  add(record: SimRequestRecord): void {
    this.total++;
    if (record.rateLimited) this.rateLimited++;
    this.byApi[record.api] = (this.byApi[record.api] ?? 0) + 1;
    this.records.push(record);
    if (this.records.length >= MAX_RECORDS + TRIM_BATCH) this.records.splice(0, this.records.length - MAX_RECORDS);
  }

  /** Requests so far, for one API or all. */
  count(api?: string): number {
    return api === undefined ? this.total : (this.byApi[api] ?? 0);
  }

  /** Records of one API (the most recent 10,000 to 11,000). */
  of(api: string): SimRequestRecord[] {
    return this.records.filter((r) => r.api === api);
  }

  reset(): void {
    this.total = 0;
    this.rateLimited = 0;
    for (const key of Object.keys(this.byApi)) delete this.byApi[key];
    this.records.length = 0;
  }
}
