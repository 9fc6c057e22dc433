/**
 * What was deliberately kept out of the audit: silences in force during the period, coverage
 * exclusions and disabled rules. Added within version 2. Exclusions and disabled rules are the
 * config's as the report is computed (the config's history is not stored); silences are the stored ones.
 */
export interface ReportExceptions {
  /** Every silence in force at some time during the period, by start, then id. */
  readonly silences: readonly SilenceException[];
  /** Every `discover.exclude` entry of every account, in config order. */
  readonly exclusions: readonly CoverageExclusion[];
  /** Every rule disabled for a target (`false` in the config), by target in config order, then rule. */
  readonly disabledRules: readonly DisabledRule[];
}

/**
 * A silence (`silence add`): matching findings were evaluated and recorded, but nothing was sent. It
 * counts as in force from the later of `from` and `createdAt` until `until`: a silence added later
 * with an earlier `from` held nothing back before it was added, and one added after the period is not listed.
 */
export interface SilenceException {
  readonly id: number;
  /** Who added it (`--author`, by default the user who ran the command); null when not recorded. */
  readonly author: string | null;
  /** Why, as given to `--reason`: free text, cut to 2000 characters. */
  readonly reason: string;
  /** Its start as given, possibly before the period. */
  readonly from: string;
  /** Its effective end, possibly after the period: when `silence expire` ended it, else its planned end. */
  readonly until: string;
  /** True when `silence expire` ended it early. */
  readonly expired: boolean;
  /** When it was added. */
  readonly createdAt: string;
  /** What it matched; every given matcher must match (null or `{}` for one not given). */
  readonly matchers: {
    readonly target: string | null;
    readonly rule: string | null;
    readonly labels: Readonly<Record<string, string>>;
  };
  /**
   * Notifications it held back, approximately: the matching findings' changes into `alarm`, or from
   * `alarm` to `ok`, recorded while it was in force within the period; those are the changes that send
   * a firing or a resolved message. Reminders are not counted, nor are routes or `sendResolved`
   * consulted, and a return to `alarm` after `error` counts though it sends nothing. Label matchers
   * are checked against the targets' labels as configured now (a target no longer configured has none).
   */
  readonly heldBack: number;
}

/** One entry of an account's `discover.exclude`: instances left out of coverage and auto-targets. */
export interface CoverageExclusion {
  readonly account: string;
  /** The instance id, or an id or name glob (`orders-*`). */
  readonly match: string;
  /** The reason given in the config; null for a bare id or glob. */
  readonly reason: string | null;
}

/** A rule disabled for one target. */
export interface DisabledRule {
  readonly target: string;
  readonly rule: string;
  /** The config path of the `false` that disabled it (`rules.retention`, `profiles[0].rules.retention`); null when not known. */
  readonly where: string | null;
}
