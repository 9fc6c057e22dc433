import type { EvidenceKind } from '../domain/control.js';

/**
 * A compliance framework the product maps its rules to: one small file each, listed in
 * src/controls/registry.ts. Contract: `id` is unique among frameworks (the registry refuses a
 * duplicate) and is what the config's `frameworks:` names; every control's `id` and `title` are the
 * framework's own, checked against the source named in the file; `clause` quotes or closely
 * paraphrases the source text; `evidence` maps only what that text supports. A mapping is evidence
 * toward a control, never a certification of it.
 */
export interface Framework {
  /** `iso27001`, `soc2`, …: lower case, as the config names it. */
  readonly id: string;
  /** The framework and its edition, as an auditor cites it: `ISO/IEC 27001:2022 Annex A`. */
  readonly title: string;
  readonly controls: readonly Control[];
}

/** One control (or criterion, article, clause) of a framework and the rules bearing on it. */
export interface Control {
  /** The framework's id for it, exactly: `8.13`, `A1.2`, `CP-9(1)`, `164.308(a)(7)(ii)(A)`. */
  readonly id: string;
  /** The framework's title for it, exactly. */
  readonly title: string;
  /** The source text, quoted or closely paraphrased: what the control asks for. */
  readonly clause: string;
  /**
   * Rule ids bearing on the control, by what they show: `backups` (backups happen and succeed) and
   * `restores` (restores are tested). At least one part; a part lists at least one rule id.
   */
  readonly evidence: Readonly<Partial<Record<EvidenceKind, readonly string[]>>>;
}
