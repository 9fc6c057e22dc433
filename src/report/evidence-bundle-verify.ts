import { hash, verify } from 'node:crypto';
import { linkHash, ZERO_HASH } from '../db/evidence.js';
import { PrunedLinks } from '../db/evidence-pruned.js';
import type { EvidenceKind } from '../domain/evidence.js';
import { BUNDLE, RECORD_LINE } from './evidence-bundle.js';

/** What `evidence verify --bundle` found: `problems` in the order checked, manifest first. */
export interface BundleVerdict {
  readonly ok: boolean;
  readonly signed: boolean;
  readonly links: number;
  readonly head: { readonly seq: number; readonly hash: string } | null;
  readonly problems: readonly string[];
}

interface Link {
  seq: number;
  kind: string;
  ref: string;
  at: number;
  digest: string;
  hash: string;
  /** Retention pruned its record (src/db/retention.ts): the link kept the digest, a later `retention` link counts it. */
  pruned?: true;
}

const sha256 = (bytes: Buffer | string): string => hash('sha256', bytes, 'hex');
const lines = (bytes: Buffer | undefined): string[] => (bytes?.toString('utf8') ?? '').split('\n').filter((l) => l !== '');

/** The manifest: every file listed must have its SHA-256, and every file but the manifest and its signature be listed. */
function checkManifest(files: ReadonlyMap<string, Buffer>, problems: string[]): void {
  const listed = new Set<string>();
  for (const line of lines(files.get(BUNDLE.manifest))) {
    const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
    if (!m) {
      problems.push(`${BUNDLE.manifest}: "${line}" is not a sha256sum line`);
      continue;
    }
    const digest = m[1] as string;
    const name = m[2] as string;
    listed.add(name);
    const bytes = files.get(name);
    if (!bytes) problems.push(`${name}: listed in ${BUNDLE.manifest} but missing from the bundle`);
    else if (sha256(bytes) !== digest) problems.push(`${name}: its SHA-256 differs from ${BUNDLE.manifest}: the file was changed`);
  }
  for (const name of files.keys()) {
    if (name !== BUNDLE.manifest && name !== BUNDLE.signature && !listed.has(name)) {
      problems.push(`${name}: not listed in ${BUNDLE.manifest}: the file was added`);
    }
  }
}

function checkSignature(files: ReadonlyMap<string, Buffer>, problems: string[]): void {
  const signature = files.get(BUNDLE.signature);
  const key = files.get(BUNDLE.publicKey);
  const manifest = files.get(BUNDLE.manifest) ?? Buffer.alloc(0);
  if (!signature) return;
  if (!key) {
    problems.push(`${BUNDLE.signature}: the bundle has no ${BUNDLE.publicKey} to check it with`);
    return;
  }
  let valid = false;
  try {
    valid = verify(null, manifest, key.toString('utf8'), Buffer.from(signature.toString('utf8').trim(), 'base64'));
  } catch {
    valid = false;
  }
  if (!valid) problems.push(`${BUNDLE.signature}: the signature does not match ${BUNDLE.manifest} and ${BUNDLE.publicKey}`);
}

/** Every link recomputed: its digest from records.jsonl, its hash from its predecessor's (export.json's previousHash first). */
function checkChain(files: ReadonlyMap<string, Buffer>, problems: string[]): Link[] {
  let previous = ZERO_HASH;
  try {
    const about = JSON.parse(files.get(BUNDLE.about)?.toString('utf8') ?? '{}') as { chain?: { previousHash?: string } };
    previous = about.chain?.previousHash ?? ZERO_HASH;
  } catch {
    problems.push(`${BUNDLE.about}: not JSON`);
  }
  const records = new Map<number, string>();
  for (const line of lines(files.get(BUNDLE.records))) {
    const m = RECORD_LINE.exec(line);
    if (m) records.set(Number(m[1]), m[2] as string);
    else problems.push(`${BUNDLE.records}: a line is not {"seq":N,"record":...}`);
  }
  const links: Link[] = [];
  const pruned = new PrunedLinks();
  for (const line of lines(files.get(BUNDLE.chain))) {
    let link: Link;
    try {
      link = JSON.parse(line) as Link;
    } catch {
      problems.push(`${BUNDLE.chain}: a line is not JSON`);
      continue;
    }
    const before = links.at(-1);
    if (before && link.seq !== before.seq + 1) problems.push(`link ${link.seq}: follows link ${before.seq}: links are missing`);
    const record = records.get(link.seq);
    if (link.kind === 'retention') for (const p of pruned.settle(link.ref, link.seq)) problems.push(`link ${p.seq}: ${p.message}`);
    if (record === undefined && link.pruned) pruned.add({ ...link, kind: link.kind as EvidenceKind, table: 'its table' });
    else if (record === undefined) problems.push(`link ${link.seq}: no record in ${BUNDLE.records} (it was gone when exported)`);
    else if (sha256(record) !== link.digest) problems.push(`link ${link.seq}: its record does not hash to its digest: edited`);
    else if (!sameLink(record, link)) problems.push(`link ${link.seq}: its record names another kind, ref or instant`);
    if (linkHash(before?.hash ?? previous, link.digest) !== link.hash) {
      problems.push(`link ${link.seq}: its hash does not follow ${before ? `link ${before.seq}` : 'chain.previousHash'}`);
    }
    links.push(link);
  }
  for (const p of pruned.rest()) problems.push(`link ${p.seq}: ${p.message}`);
  return links;
}

function sameLink(record: string, link: Link): boolean {
  try {
    const r = JSON.parse(record) as { kind?: unknown; ref?: unknown; at?: unknown };
    return r.kind === link.kind && r.ref === link.ref && r.at === link.at;
  } catch {
    return false;
  }
}

/**
 * Checks an evidence bundle offline, as its README has an auditor do: the manifest, the signature when
 * there is one, and every link of the chain segment recomputed; with `head`, the segment must hold it.
 */
export function verifyBundle(files: ReadonlyMap<string, Buffer>, opts: { head?: string } = {}): BundleVerdict {
  const problems: string[] = [];
  if (!files.has(BUNDLE.manifest)) problems.push(`${BUNDLE.manifest}: missing: this is not an evidence bundle`);
  else checkManifest(files, problems);
  checkSignature(files, problems);
  const links = checkChain(files, problems);
  if (opts.head !== undefined && !links.some((l) => l.hash === opts.head)) {
    problems.push(`the chain segment does not hold the published head ${opts.head}`);
  }
  const last = links.at(-1);
  return {
    ok: problems.length === 0,
    signed: files.has(BUNDLE.signature),
    links: links.length,
    head: last ? { seq: last.seq, hash: last.hash } : null,
    problems,
  };
}
