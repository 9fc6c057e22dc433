import { hash } from 'node:crypto';
import { iso } from '../core/clock.js';
import { publicKeyPem, signBytes } from '../core/signature.js';
import type { ArchiveFile } from '../core/tar.js';
import type { ChainSegment, ExportRange } from '../db/evidence-export.js';
import type { Row } from '../db/evidence-records.js';
import { bundleReadme } from './evidence-bundle-readme.js';

/** The names of a bundle's fixed files: what `evidence verify --bundle` and the README rely on. */
export const BUNDLE = {
  manifest: 'MANIFEST.sha256',
  signature: 'MANIFEST.sha256.sig',
  publicKey: 'public-key.pem',
  chain: 'chain.jsonl',
  records: 'records.jsonl',
  about: 'export.json',
  config: 'config-snapshot.json',
  readme: 'README.txt',
} as const;

/** What a bundle is made of, read by the caller: the rows, the chain segment, the config snapshot. */
export interface BundleInput {
  readonly range: ExportRange;
  readonly exportedAt: number;
  readonly rows: Record<string, Row[]>;
  readonly segment: ChainSegment;
  /** The config as the chain records it (src/config/snapshot.ts): secrets as their references. */
  readonly configSnapshot: string;
  /** The page bodies the exported polls received, by their SHA-256 (RequestId emptied), as kept. */
  readonly pages?: ReadonlyMap<string, string>;
  /** evidence.signingKey's PEM, when the config has one: the manifest is then signed. */
  readonly signingKey?: string;
}

const sha256 = (bytes: Buffer): string => hash('sha256', bytes, 'hex');
const text = (s: string): Buffer => Buffer.from(s, 'utf8');
const jsonl = (rows: readonly unknown[]): Buffer => text(rows.map((r) => `${JSON.stringify(r)}\n`).join(''));

/**
 * A records.jsonl line: the link's seq and its record's canonical encoding written as it is (it is
 * JSON itself), so `sed` can cut out the exact bytes the link's digest is the SHA-256 of.
 */
export const recordLine = (seq: number, canonical: string): string => `{"seq":${seq},"record":${canonical}}`;

/** The line format recordLine writes, with the seq and the exact canonical text as groups. */
export const RECORD_LINE = /^\{"seq":(\d+),"record":(.*)\}$/;

/**
 * The files of an evidence bundle, in archive order: README.txt, the manifest (SHA-256 of every
 * other file but the signature, in `sha256sum` format), its signature when signed, then the data
 * (with public-key.pem when signed).
 */
export function bundleFiles(input: BundleInput): ArchiveFile[] {
  const { segment, range } = input;
  const head = segment.links.at(-1);
  const about = {
    format: 'backup-auditor evidence bundle 1',
    from: iso(range.from),
    to: iso(range.to),
    targets: range.targets.length > 0 ? range.targets : ('all' as const),
    exportedAt: iso(input.exportedAt),
    chain: {
      previousHash: segment.previousHash,
      first: segment.links[0]?.seq ?? null,
      head: head ? { seq: head.seq, hash: head.hash } : null,
    },
    configSnapshotSha256: sha256(text(input.configSnapshot)),
    signed: input.signingKey !== undefined,
  };
  const data: ArchiveFile[] = [
    { name: BUNDLE.about, bytes: text(`${JSON.stringify(about, null, 2)}\n`) },
    { name: BUNDLE.chain, bytes: jsonl(segment.links.map(({ canonical: _, ...link }) => link)) },
    {
      name: BUNDLE.records,
      bytes: text(
        segment.links
          .filter((l) => l.canonical !== null)
          .map((l) => `${recordLine(l.seq, l.canonical as string)}\n`)
          .join(''),
      ),
    },
    // The snapshot's exact bytes: `sha256sum config-snapshot.json` is the ref of the config link that chained it.
    { name: BUNDLE.config, bytes: text(input.configSnapshot) },
    ...Object.entries(input.rows).map(([name, rows]) => ({ name, bytes: jsonl(rows) })),
    ...[...(input.pages ?? [])].map(([hash, body]) => ({ name: `pages/${hash}.json`, bytes: text(body) })),
  ];
  const where = 'evidence.signingKey';
  if (input.signingKey !== undefined) data.push({ name: BUNDLE.publicKey, bytes: text(publicKeyPem(input.signingKey, where)) });
  const readme: ArchiveFile = { name: BUNDLE.readme, bytes: text(bundleReadme(about, segment)) };
  const listed = [readme, ...data].sort((a, b) => (a.name < b.name ? -1 : 1));
  const manifest = text(listed.map((f) => `${sha256(f.bytes)}  ${f.name}\n`).join(''));
  const out: ArchiveFile[] = [readme, { name: BUNDLE.manifest, bytes: manifest }];
  if (input.signingKey !== undefined) {
    out.push({ name: BUNDLE.signature, bytes: text(`${signBytes(input.signingKey, manifest, where)}\n`) });
  }
  return [...out, ...data];
}

/** Secret values shorter than this are not looked for: they would turn up by chance. */
const SHORTEST_SECRET = 8;

/**
 * Where a secret's value appears in the files (`accounts.x.accessKeySecret in polls.jsonl`): the
 * config snapshot holds references only, but a provider's error message could quote a key. An
 * export that would carry one is refused rather than written.
 */
export function secretsIn(files: readonly ArchiveFile[], secrets: readonly { where: string; value: string }[]): string[] {
  const out: string[] = [];
  for (const s of secrets.filter((x) => x.value.length >= SHORTEST_SECRET)) {
    for (const f of files)
      if (f.bytes.includes(s.value) || f.bytes.includes(JSON.stringify(s.value).slice(1, -1))) out.push(`${s.where} in ${f.name}`);
  }
  return out;
}
