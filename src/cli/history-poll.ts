import { z } from 'zod';
import { iso } from '../core/clock.js';
import type { Db } from '../db/client.js';
import { pollPages } from '../db/poll-pages.js';
import { type CliIO, EXIT, println } from './io.js';

/** `--poll ID`: a poll id, as `history` prints it (`poll #12`). */
export const pollIdArg = z
  .string()
  .regex(/^#?\d+$/, 'a poll id is a whole number, as `history TARGET` prints it (poll #12)')
  .transform((s) => Number(s.replace('#', '')));

/**
 * `history TARGET --poll ID`: what the provider listed at that poll, each page body pretty-printed in
 * order, then the proof: every body's SHA-256 against the hash recorded for it, and the chain links of
 * the poll and its pages. Exit 0 when verified, 1 naming each mismatch. With `raw`, stdout is each body
 * exactly as received, a newline after each, and nothing else (the proof still decides the exit code).
 */
export function printPollPages(io: CliIO, db: Db, target: string, pollId: number, opts: { raw?: boolean } = {}): number {
  const found = pollPages(db, target, pollId);
  if (!found) {
    println(io.stderr, `--poll: no poll ${pollId} of ${target}; \`backup-auditor history ${target}\` lists the poll ids`);
    return EXIT.usage;
  }
  const { poll, pages, links, mismatches } = found;
  if (opts.raw) {
    for (const p of pages) if (p.body !== null) io.stdout.write(`${p.body}\n`);
    for (const m of mismatches) println(io.stderr, `mismatch: ${m}`);
    return mismatches.length > 0 ? EXIT.alarm : EXIT.compliant;
  }
  const kept = `${pages.length} page bod${pages.length === 1 ? 'y' : 'ies'} kept`;
  const notKept = poll.notKept > 0 ? `, ${poll.notKept} not kept (over the per-poll cap)` : '';
  println(io.stdout, `poll #${poll.id} of ${target} at ${iso(poll.finishedAt)}: ${poll.outcome}, ${poll.items} items; ${kept}${notKept}`);
  if (pages.length === 0) println(io.stdout, 'no page bodies were kept for this poll (polled before they were, or none arrived)');
  for (const p of pages) {
    println(io.stdout, `--- page ${p.page} (sha256 ${p.hash})`);
    if (p.body !== null) println(io.stdout, pretty(p.body));
  }
  if (mismatches.length > 0) {
    for (const m of mismatches) println(io.stderr, `mismatch: ${m}`);
    return EXIT.alarm;
  }
  const chain =
    links.pages !== null
      ? `; chained at link ${links.pages} (poll at link ${links.poll})`
      : links.poll === null
        ? '; the poll predates the evidence chain'
        : `; poll at link ${links.poll}`;
  println(io.stdout, `verified: ${pages.length} body hash${pages.length === 1 ? '' : 'es'} match${chain}`);
  return EXIT.compliant;
}

/** The body pretty-printed when it is JSON, else as received. */
function pretty(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}
