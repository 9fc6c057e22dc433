import type { ChainSegment } from '../db/evidence-export.js';

/** What the README says of the export: its range, targets and chain segment. */
export interface ReadmeFacts {
  readonly from: string;
  readonly to: string;
  readonly targets: readonly string[] | 'all';
  readonly exportedAt: string;
  readonly signed: boolean;
}

/**
 * The README.txt of an evidence bundle: how an auditor checks it with `sha256sum`, `openssl` and a
 * POSIX shell alone. The link recomputation follows linkHash in src/db/evidence.ts byte for byte:
 * the hash is the SHA-256 of the previous hash and the digest, both as 64 lowercase hex characters,
 * concatenated with nothing between and no newline.
 */
export function bundleReadme(facts: ReadmeFacts, segment: ChainSegment): string {
  const last = segment.links.at(-1);
  const before = segment.links.at(-2);
  const example = last
    ? [
        `   For example, link ${last.seq} (${last.kind} ${last.ref}), the head:`,
        '',
        `     rec=$(sed -n 's/^{"seq":${last.seq},"record":\\(.*\\)}$/\\1/p' records.jsonl)`,
        `     printf '%s' "$rec" | sha256sum`,
        `       -> ${last.digest}`,
        `     printf '%s%s' ${before?.hash ?? segment.previousHash} ${last.digest} | sha256sum`,
        `       -> ${last.hash}`,
      ]
    : ['   (This bundle holds no link: the chain was empty when it was exported.)'];
  const head = last ? `link ${last.seq}, ${last.hash}` : 'none (the chain was empty)';
  return `${[
    'BACKUP-AUDITOR EVIDENCE BUNDLE',
    '',
    `Range:    ${facts.from} (inclusive) to ${facts.to} (exclusive)`,
    `Targets:  ${facts.targets === 'all' ? 'all' : facts.targets.join(', ')}`,
    `Exported: ${facts.exportedAt}`,
    `Head:     ${head}`,
    '',
    'Files',
    '  MANIFEST.sha256      SHA-256 of every other file (not of itself nor of its signature), sha256sum format',
    '  MANIFEST.sha256.sig  base64 Ed25519 signature of MANIFEST.sha256 (only when the exporter signs)',
    '  public-key.pem       the public key that checks it (only when signed)',
    '  export.json          range, targets, the hash the chain segment follows (chain.previousHash), its head',
    '  chain.jsonl          the evidence chain from the first link in the range to the head: seq, kind, ref, at, digest, hash',
    '  records.jsonl        per link, the exact canonical text its digest is the SHA-256 of',
    '  config-snapshot.json the configuration, every secret replaced by its reference ({env: NAME}, {file: PATH})',
    '  *.jsonl              the rows of the range: polls, backups, backup events, findings, finding events,',
    '                       notifications, silences, restore drills (one JSON object a line)',
    '  pages/HASH.json      each listing page the provider answered, exactly as received but for its',
    '                       RequestId (kept per poll in poll-pages.jsonl); `sha256sum pages/HASH.json` prints HASH',
    '',
    'The chain holds the links of every target (a link cannot be skipped); the other files only the',
    'targets exported. Run the steps below in the folder the bundle was extracted into.',
    '',
    '1. Check every file against the manifest; every line must end in OK:',
    '',
    '     sha256sum -c MANIFEST.sha256',
    '',
    '2. Check the signature (signed bundles). It must print "Signature Verified Successfully". Compare',
    '   public-key.pem with the key the organisation published (`backup-auditor evidence public-key`):',
    '',
    '     base64 -d MANIFEST.sha256.sig > sig.bin',
    '     openssl pkeyutl -verify -pubin -inkey public-key.pem -rawin -in MANIFEST.sha256 -sigfile sig.bin',
    '',
    '3. Recompute links. The digest of link N is the SHA-256 of its line in records.jsonl after',
    '   `{"seq":N,"record":` up to the last `}`, without a newline; its hash is the SHA-256 of the hash',
    '   of link N-1 followed directly by that digest (both 64 lowercase hex characters, nothing between,',
    '   no newline). The first link of chain.jsonl follows chain.previousHash in export.json (64 zeros',
    '   for the genesis). Each result must equal the "digest" and "hash" of link N in chain.jsonl.',
    '',
    `     rec=$(sed -n 's/^{"seq":N,"record":\\(.*\\)}$/\\1/p' records.jsonl)`,
    `     printf '%s' "$rec" | sha256sum`,
    `     printf '%s%s' HASH_OF_LINK_N-1 DIGEST_OF_LINK_N | sha256sum`,
    '',
    ...example,
    '',
    '   The record of a config link is the link itself; `sha256sum config-snapshot.json` equals the',
    '   ref of the config link that chained this configuration.',
    '   A link marked "pruned": true has no line in records.jsonl: retention removed its record after',
    '   the period it keeps. Its digest in chain.jsonl is the one it was chained with, so its hash still',
    '   recomputes; a later retention link (its ref) counts the links of each kind it pruned.',
    '',
    '4. Compare the head with one published earlier: every report prints "Evidence chain head: link',
    '   SEQ, HASH". The chain must still hold it; this prints the line of that link:',
    '',
    `     grep '"hash":"HASH"' chain.jsonl`,
    '',
    "The same checks, with this project's code: backup-auditor evidence verify --bundle FILE.tar.gz",
  ].join('\n')}\n`;
}
