import { canonicalJson } from '../core/canonical.js';
import type { EvidenceKind } from '../domain/evidence.js';

/** Instants (epoch ms) before which detail is pruned; a missing one keeps its detail for ever. */
export interface RetentionCutoffs {
  /** Polls, their backup events, and backups last listed before it. */
  readonly polls?: number;
  /** The page bodies of polls that finished before it. */
  readonly pages?: number;
  /** Delivered notifications created before it (with their attempts); failed ones too. */
  readonly notifications?: number;
}

/**
 * A `retention` link's ref: the cutoffs applied and how many links of each kind the batch pruned, as
 * canonical JSON (what `evidence verify` reads back with retentionOf).
 */
export const retentionRef = (cutoffs: RetentionCutoffs, pruned: Partial<Record<EvidenceKind, number>>): string =>
  canonicalJson({ cutoffs: Object.fromEntries(Object.entries(cutoffs).filter(([, v]) => v !== undefined)), pruned });

/** A `retention` link's ref read back, or null when it is not one. */
export function retentionOf(ref: string): { cutoffs: RetentionCutoffs; pruned: Partial<Record<EvidenceKind, number>> } | null {
  try {
    const r = JSON.parse(ref) as { cutoffs?: unknown; pruned?: unknown };
    if (typeof r.cutoffs !== 'object' || r.cutoffs === null || typeof r.pruned !== 'object' || r.pruned === null) return null;
    return r as { cutoffs: RetentionCutoffs; pruned: Partial<Record<EvidenceKind, number>> };
  } catch {
    return null;
  }
}

/** A break `evidence verify` reports: as in src/db/evidence-verify.ts. */
interface Problem {
  readonly break: 'deleted';
  readonly seq: number;
  readonly kind: EvidenceKind;
  readonly ref: string;
  readonly message: string;
}

interface Pruned {
  readonly seq: number;
  readonly kind: EvidenceKind;
  readonly ref: string;
  readonly at: number;
  readonly table: string;
}

/** Which cutoff of a retention link a kind of record is pruned by. */
const CUTOFF_OF: Partial<Record<EvidenceKind, keyof RetentionCutoffs>> = {
  poll: 'polls',
  'poll-run': 'polls',
  'backup-events': 'polls',
  'poll-pages': 'pages',
  notification: 'notifications',
};

/**
 * The links whose record is gone but whose digest the link kept, as retention leaves them
 * (src/db/retention.ts), held until the `retention` link that must account for them: it has to
 * count exactly as many of each kind, each older than the cutoff it applied. A record deleted
 * otherwise, its digest written in to pass for pruned, does not add up and is named `deleted`.
 */
export class PrunedLinks {
  private pending: Pruned[] = [];

  /** A link whose record is gone and whose digest it kept. */
  add(link: Pruned): void {
    this.pending.push(link);
  }

  /**
   * A `retention` link: the problems of the pruned links it does not account for. A link younger
   * than the cutoff it applied is named alone; past that, a kind whose count differs from the one the
   * retention link wrote has every link of it named, as which of them went otherwise cannot be told.
   */
  settle(ref: string, seq: number): Problem[] {
    const checkpoint = retentionOf(ref);
    const held = this.pending;
    this.pending = [];
    const why = `retention link ${seq} does not account for it`;
    const eligible = (p: Pruned): boolean => {
      const key = CUTOFF_OF[p.kind];
      const cutoff = key === undefined ? undefined : checkpoint?.cutoffs[key];
      return cutoff !== undefined && p.at < cutoff;
    };
    const counted: Partial<Record<EvidenceKind, number>> = {};
    for (const p of held.filter(eligible)) counted[p.kind] = (counted[p.kind] ?? 0) + 1;
    const adds = (k: EvidenceKind): boolean => checkpoint !== null && checkpoint.pruned[k] === counted[k];
    return held.filter((p) => !eligible(p) || !adds(p.kind)).map((p) => unaccounted(p, why));
  }

  /** At the end of the chain: pruned links no retention link followed. */
  rest(): Problem[] {
    const held = this.pending;
    this.pending = [];
    return held.map((p) => unaccounted(p, 'no retention link follows it'));
  }
}

const unaccounted = (p: Pruned, why: string): Problem => ({
  break: 'deleted',
  seq: p.seq,
  kind: p.kind,
  ref: p.ref,
  message: `${p.kind} ${p.ref} (link ${p.seq}) is gone from ${p.table} as if pruned, but ${why}`,
});
