import type { AccountConfig, Cloud } from '../config/schema.js';
import type { BackupPolicy, PolicyUnavailable } from '../domain/policy.js';
import type { ProviderContext } from './types.js';

/** One database instance as a list-instances API reported it. */
export interface DiscoveredInstance {
  /** The provider's instance id: what a target's `instance` names. */
  readonly instance: string;
  readonly name: string | null;
  /** UCloud Region, Alibaba RegionId, OTC/Huawei region. */
  readonly region: string | null;
  readonly zone: string | null;
  /** The provider's own status word (Running, ACTIVE, normal...). */
  readonly status: string;
  /** Read replicas (UCloud nested, OTC `Replica`, Alibaba `Readonly/Guard/Temp`): reported apart from primaries. */
  readonly replica: boolean;
  /** For a replica, its primary's id when the provider says. */
  readonly primary: string | null;
  /** Epoch ms, null when absent or unparseable. */
  readonly createdAt: number | null;
  /** Tags/labels where the API lists them; auto-targets carry them as labels. */
  readonly tags: Readonly<Record<string, string>>;
  /** The policy when the list carries it (OTC/DDS `backup_strategy`); undefined when it needs its own call. */
  readonly policy?: BackupPolicy | PolicyUnavailable;
}

/** Where to look, beyond what the account says: UCloud has no account region, so discovery names them. */
export interface DiscoveryScope {
  readonly regions: readonly string[];
}

/**
 * Lists every instance of one service in one account, and reads an instance's backup policy.
 * Implementations must: sign every request as the backup adapters do (same clients, same retries),
 * validate every response with zod, read the listing to its end (throwing `invalid-response` when it
 * cannot be completed consistently, never returning half a fleet), and never put a secret in an error.
 */
export interface InstanceSource<A extends AccountConfig = AccountConfig> {
  /** `<cloud>/<service>`, like the backup source of the same service. */
  readonly id: string;
  readonly cloud: Cloud;
  readonly service: string;
  list(account: A, accountName: string, scope: DiscoveryScope, ctx: ProviderContext): Promise<DiscoveredInstance[]>;
  /** The instance's backup policy; called when `list` left `policy` undefined or without weekdays (OTC/DDS lists lack `period`). */
  policy(account: A, accountName: string, instance: DiscoveredInstance, ctx: ProviderContext): Promise<BackupPolicy | PolicyUnavailable>;
}

/** `"02:00-03:00"` or `"2:00~3:00"` (UTC) → minutes; null when it is not such a range. */
export function parseWindow(text: string | null | undefined): BackupPolicy['window'] {
  const m = /^\s*(\d{1,2}):(\d{2})(?::\d{2})?Z?\s*[-~]\s*(\d{1,2}):(\d{2})(?::\d{2})?Z?\s*$/.exec(text ?? '');
  if (!m) return null;
  const [h1, m1, h2, m2] = [m[1], m[2], m[3], m[4]].map(Number) as [number, number, number, number];
  if (h1 > 24 || h2 > 24 || m1 > 59 || m2 > 59) return null;
  return { startMinute: (h1 * 60 + m1) % 1440, endMinute: (h2 * 60 + m2) % 1440 };
}

const DAY_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

/** `"Monday,Wednesday"` → [1, 3]; null when a word is not a weekday. */
export function parseWeekdayNames(text: string | null | undefined): number[] | null {
  if (text === null || text === undefined) return null;
  if (text.trim() === '') return [];
  const days = text.split(',').map((d) => DAY_NAMES.indexOf(d.trim().toLowerCase()));
  return days.some((d) => d < 0) ? null : [...new Set(days)].sort((a, b) => a - b);
}

/** OTC/DDS `period` `"1,2,7"` (1 = Monday … 7 = Sunday) → [0, 1, 2]; null when malformed. */
export function parseIsoWeekdays(text: string | null | undefined): number[] | null {
  if (!text) return null;
  const days = text.split(',').map((d) => (/^\s*[1-7]\s*$/.test(d) ? Number(d) % 7 : -1));
  return days.some((d) => d < 0) ? null : [...new Set(days)].sort((a, b) => a - b);
}
