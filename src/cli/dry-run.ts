import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChannelConfig } from '../config/channels.js';
import { type Registry, registry } from '../core/registry.js';
import { closeDatabase, copyDatabase, type Db, openDatabase } from '../db/client.js';
import { headline, renderText, subject } from '../notify/render.js';
import type { Digest, Notifier } from '../notify/types.js';

/** A message a dry run would have sent. */
export interface WouldSend {
  readonly channel: string;
  readonly type: ChannelConfig['type'];
  readonly subject: string;
  readonly digest: Digest;
}

/**
 * Runs `fn` against a throwaway copy of the database: SQLite's online backup of the real file, or an
 * empty database when there is none yet. The copy lives in a temporary folder removed afterwards, and
 * the real file is left as it was.
 */
export async function withDatabaseCopy<T>(realPath: string, fn: (db: Db) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'backup-auditor-dry-run-'));
  try {
    const copy = join(dir, 'copy.db');
    if (existsSync(realPath)) await copyDatabase(realPath, copy);
    const db = openDatabase(copy);
    try {
      return await fn(db);
    } finally {
      closeDatabase(db);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Notifiers of the same channel types that only write down what they were given: the rest of the
 * delivery path (claiming, grouping into digests, settling) runs unchanged on the copy.
 */
export function recordingNotifiers(real: Registry<Notifier>, sent: WouldSend[]): Registry<Notifier> {
  return registry<Notifier>(
    'notifier',
    real.all.map((n) => ({
      id: n.id,
      async send(digest: Digest, channel: ChannelConfig, channelName: string): Promise<void> {
        const subjectLine = channel.type === 'email' ? subject(digest, channel.subjectPrefix) : headline(digest);
        sent.push({ channel: channelName, type: channel.type, subject: subjectLine, digest });
      },
    })),
  );
}

/** The would-be messages as text: one block per channel, the digest as the email's plain-text body renders it. */
export function wouldSendText(sent: readonly WouldSend[]): string {
  if (sent.length === 0) return 'dry run: no notification would be sent (no finding changed state and nothing is due)';
  const lines = [`dry run: ${sent.length} message${sent.length === 1 ? '' : 's'} would be sent (none was):`];
  for (const m of sent) {
    lines.push('', `-- to ${m.channel} (${m.type}): ${m.subject}`);
    for (const l of renderText(m.digest).trimEnd().split('\n'))
      lines.push(`   ${l.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, ' ')}`);
  }
  return lines.join('\n');
}
