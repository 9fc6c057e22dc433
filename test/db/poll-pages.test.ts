import { afterEach, describe, expect, it } from 'vitest';
import { verifyEvidence } from '../../src/db/evidence-verify.js';
import { recordPoll } from '../../src/db/ingest.js';
import { joinRequestId, pollPages, splitRequestId } from '../../src/db/poll-pages.js';
import { sealOpenRuns } from '../../src/db/poll-runs.js';
import { tempDatabase } from '../helpers/db.js';

describe('poll pages in the database', () => {
  let t: ReturnType<typeof tempDatabase> | undefined;
  afterEach(() => t?.cleanup());

  it('restores a body exactly from its blob and RequestId', () => {
    const body = '{"RequestId":"A-1","Items":{"RequestId":"inner"}}';
    const split = splitRequestId(body);
    expect(split).toEqual({ kept: '{"RequestId":"","Items":{"RequestId":"inner"}}', requestId: 'A-1' });
    expect(joinRequestId(split.kept, split.requestId)).toBe(body);
    expect(splitRequestId('{"a":1}')).toEqual({ kept: '{"a":1}', requestId: null });
  });

  it('records the pages past the cap as not kept, and chains what was kept', () => {
    t = tempDatabase();
    const outcome = { ok: true as const, pages: 3, backups: [] };
    const pageBodies = { bodies: ['{"page":1}'], omitted: 2 };
    const { pollId } = recordPoll(t.db, { targetId: 'a', startedAt: 1, finishedAt: 2, outcome, pageBodies });
    const found = pollPages(t.db, 'a', pollId);
    expect(found?.poll.notKept).toBe(2);
    expect(found?.pages.map((p) => p.body)).toEqual(['{"page":1}']);
    expect(found?.mismatches).toEqual([]);
    expect(verifyEvidence(t.db).ok).toBe(true);
  });

  it('shows a poll from before the chain without calling it a mismatch', () => {
    t = tempDatabase();
    t.db.$client.prepare(`INSERT INTO poll_runs (target_id, started_at, finished_at, outcome) VALUES ('a', 1, 2, 'ok')`).run();
    recordPoll(t.db, { targetId: 'a', startedAt: 3, finishedAt: 4, outcome: { ok: true, pages: 0, backups: [] } });
    sealOpenRuns(t.db);
    const old = pollPages(t.db, 'a', 1);
    expect(old?.mismatches).toEqual([]);
    expect(old?.links).toEqual({ poll: null, pages: null });
    expect(pollPages(t.db, 'b', 1)).toBeNull();
  });
});
