/**
 * What the evidence chain (src/db/evidence.ts) links, one kind per record it appends: `genesis` opens
 * the chain (rows written before it predate the chain), `config` is a config snapshot's hash,
 * `retention` names what one pruning removed (src/db/retention.ts), the others are rows of the audit
 * tables.
 */
export const EVIDENCE_KINDS = [
  'genesis',
  'poll',
  'poll-run',
  'poll-pages',
  'backup-events',
  'finding-event',
  'notification',
  'silence-added',
  'silence-expired',
  'drill',
  'config',
  'retention',
] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

/**
 * How `evidence verify` names a break: a record edited since it was chained, deleted, inserted
 * outside the chain (or a chain link that does not follow), links put in another order, or a chain
 * that no longer holds the head published earlier (`--head`).
 */
export const EVIDENCE_BREAKS = ['edited', 'deleted', 'inserted', 'reordered', 'truncated'] as const;
export type EvidenceBreak = (typeof EVIDENCE_BREAKS)[number];
