import type { ControlVerdict, EvidenceKind } from '../domain/control.js';

/**
 * The Controls section: present when the config has `frameworks:`, absent otherwise. Added within
 * version 2. Each configured framework's controls (src/controls/) judged from the recorded finding
 * history of the rules bearing on them, over `[from, to)`: the report period, or for `controls --at`
 * the instant itself (`to` = the instant plus 1 ms). A mapping is evidence toward a control, never a
 * certification of it.
 *
 * A verdict per (target, rule) pair, over every in-scope target (every configured or auto-generated
 * target) and every rule a control lists: `alarm` when the finding was in `alarm` at any time in the
 * window; `ok` when every state recorded in the window was `ok`; otherwise not judged (see `Unjudged`).
 * Time before the auditor first evaluated a pair is not held against it: a target added mid-week is
 * judged from its first evaluation.
 *
 * A part's verdict (backups happen, restores tested): `fail` when any pair alarmed; `pass` when every
 * pair is `ok` (a rule that is not registered, or is disabled for some target, prevents it); `partial`
 * when some pairs are `ok`, none alarmed and some not judged; `no-evidence` when no pair is `ok`.
 * A control's verdict, and a framework's over its controls: `fail` when any part fails, `pass` when
 * every part passes, `no-evidence` when every part has none, else `partial`.
 */
export interface ControlsReport {
  readonly from: string;
  /** Exclusive. */
  readonly to: string;
  /** In the config's `frameworks:` order. */
  readonly frameworks: readonly FrameworkResult[];
}

export interface FrameworkResult {
  /** `iso27001`, `soc2`, …, as the config names it. */
  readonly id: string;
  readonly title: string;
  readonly verdict: ControlVerdict;
  readonly controls: readonly ControlResult[];
}

export interface ControlResult {
  /** The framework's own id and title: `8.13` `Information backup`. */
  readonly id: string;
  readonly title: string;
  /** What the control asks for, quoted or closely paraphrased. */
  readonly clause: string;
  readonly verdict: ControlVerdict;
  readonly parts: readonly PartResult[];
  /** Every alarm of a bearing rule in the window, by target, then rule, then since. */
  readonly alarms: readonly ControlAlarm[];
  /** Every pair that could not be judged, by target (null first: a rule not registered at all), then rule. */
  readonly unjudged: readonly Unjudged[];
  /**
   * Where to look: `backup-auditor history <target> --since <instant>` (the window start, or the
   * target's earliest alarm start before it) for each target named in `alarms` or `unjudged`, or, when
   * none is named, for the first 10 targets in scope.
   */
  readonly evidence: readonly string[];
}

/** One part of a control: the rules showing that backups happen, or that restores are tested. */
export interface PartResult {
  readonly kind: EvidenceKind;
  readonly rules: readonly string[];
  readonly verdict: ControlVerdict;
  /** Pairs (target × rule) judged `ok` or `alarm`, of all `pairs`. */
  readonly judged: number;
  readonly pairs: number;
}

/** A bearing rule in alarm for a target during the window. */
export interface ControlAlarm {
  readonly target: string;
  readonly rule: string;
  /** When the alarm started, possibly before the window. */
  readonly since: string;
  /** When it ended, or null when it was still in alarm at the window's end. */
  readonly until: string | null;
  /** The rule's reason when the alarm started (untrusted text, cut to 2000 characters). */
  readonly reason: string;
}

/**
 * A pair that could not be judged: `not-registered` (no such rule in this build; `target` null, it
 * stands for every target), `disabled` (`false` in the config), `not-configured` (a rule off unless
 * configured, such as restore-drill, that no config entry turns on for the target), `not-applicable` (the rule judges
 * something else, such as discovery, for this target), `not-evaluated` (no finding recorded by the
 * window's end), `error` (the rule could not judge, or was skipped, for some of the window).
 */
export interface Unjudged {
  readonly target: string | null;
  readonly rule: string;
  readonly why: 'not-registered' | 'disabled' | 'not-configured' | 'not-applicable' | 'not-evaluated' | 'error';
}
