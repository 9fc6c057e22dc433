import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { OwnerDeps } from '../../jobs/deps.js';
import { parseDuration } from '../core/duration.js';
import { errorMessage } from '../core/errors.js';
import { drillJson, recordDrill } from '../db/drills.js';
import { storeWriteProblem } from '../db/store-errors.js';
import { drillInput } from '../domain/drill.js';

export const DRILLS_PATH = '/api/v1/drills';

/** The largest request body read; a larger one is answered 413 without being read. */
export const MAX_BODY_BYTES = 64 * 1024;

/** What `POST /api/v1/drills` needs: the token (absent = the endpoint is off) and the owner's database and hooks. */
export interface DrillApi {
  readonly token: string | undefined;
  readonly deps: Pick<OwnerDeps, 'db' | 'loaded' | 'clock' | 'log' | 'requestEvaluation'>;
}

/** The JSON body: the fields of `drill record`, `at` an ISO-8601 instant with its offset, the duration in ms or as text. */
const body = z.strictObject({
  id: z.string().optional(),
  target: z.string(),
  backupId: z.string().optional(),
  result: z.string(),
  at: z.iso.datetime({ offset: true, error: 'must be an ISO-8601 instant with Z or an offset (2026-11-17T09:00:00Z)' }),
  durationMs: z.number().optional(),
  duration: z.string().optional(),
  note: z.string().optional(),
  evidence: z.string().optional(),
});

/** A body field of each drillInput field, so a problem names what the client sent. */
const FIELD_OF: Readonly<Record<string, string>> = { evidenceUrl: 'evidence' };

const sha256 = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** Whether the request carries `Authorization: Bearer <token>`; compared over hashes in constant time. */
function authorized(req: IncomingMessage, token: string): boolean {
  const m = /^Bearer +(\S+) *$/i.exec(req.headers.authorization ?? '');
  return m?.[1] !== undefined && timingSafeEqual(sha256(m[1]), sha256(token));
}

/** The body as text, or null when it is larger than MAX_BODY_BYTES. */
function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) return resolve(null);
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        resolve(null);
        req.removeAllListeners('data');
        req.resume();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * `POST /api/v1/drills`: records a restore drill as `drill record` does, then asks for the target's
 * evaluation. 404 while `http.apiToken` is not set; 401 without the right bearer token; 413 over 64 KiB;
 * 400 naming the field for a body that is not JSON or not a drill (or names an unknown target); 201
 * with the drill, 200 for a repeat of one recorded with the same content, 409 for the same id with other
 * content. The token is never logged or echoed.
 */
export async function handleDrills(req: IncomingMessage, res: ServerResponse, api: DrillApi | undefined): Promise<void> {
  const reply = (status: number, json: unknown, headers: Record<string, string> = {}) =>
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(`${JSON.stringify(json)}\n`);
  if (!api?.token) return void reply(404, { error: 'the drills API is off: set http.apiToken in the config to turn it on' });
  if (req.method !== 'POST') return void reply(405, { error: 'use POST' }, { allow: 'POST' });
  if (!authorized(req, api.token)) {
    req.resume();
    return void reply(
      401,
      { error: 'missing or wrong bearer token (Authorization: Bearer <http.apiToken>)' },
      { 'www-authenticate': 'Bearer' },
    );
  }
  const text = await readBody(req);
  if (text === null) return void reply(413, { error: `body: larger than ${MAX_BODY_BYTES} bytes` }, { connection: 'close' });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return void reply(400, { error: 'body: not valid JSON', problems: [{ field: 'body', message: 'not valid JSON' }] });
  }
  const parsed = body.safeParse(json);
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => ({ field: i.path.join('.') || 'body', message: i.message }));
  let durationMs = parsed.data?.durationMs;
  if (parsed.data?.duration !== undefined) {
    const ms = parseDuration(parsed.data.duration);
    if (parsed.data.durationMs !== undefined) problems.push({ field: 'duration', message: 'give durationMs or duration, not both' });
    else if (ms === null) problems.push({ field: 'duration', message: `"${parsed.data.duration}" is not a duration (42m, PT1H)` });
    else durationMs = ms;
  }
  const b = parsed.data;
  const input =
    b &&
    drillInput.safeParse({
      id: b.id,
      target: b.target,
      backupId: b.backupId,
      result: b.result,
      at: Date.parse(b.at),
      durationMs,
      note: b.note,
      evidenceUrl: b.evidence,
    });
  if (input && !input.success)
    for (const i of input.error.issues) problems.push({ field: FIELD_OF[String(i.path[0])] ?? i.path.join('.'), message: i.message });
  const { deps } = api;
  const now = deps.clock();
  if (input?.success && !deps.loaded.config.targets.some((t) => t.id === input.data.target))
    problems.push({ field: 'target', message: `unknown target "${input.data.target}"` });
  if (problems.length > 0 || !input?.success)
    return void reply(400, { error: problems.map((p) => `${p.field}: ${p.message}`).join('; '), problems });
  try {
    const outcome = recordDrill(deps.db, input.data, { now, source: 'http' });
    const drill = drillJson(outcome.drill);
    if (outcome.kind === 'conflict')
      return void reply(409, {
        error: `id: drill ${drill.id} is already recorded with other content (${outcome.fields.join(', ')} differ)`,
        drill,
      });
    deps.log.info({ drill: drill.id, target: drill.targetId, result: drill.result, repeat: outcome.kind === 'repeat' }, 'drill recorded');
    if (outcome.kind === 'created') deps.requestEvaluation(drill.targetId);
    reply(outcome.kind === 'created' ? 201 : 200, { drill, created: outcome.kind === 'created' });
  } catch (err) {
    const problem = storeWriteProblem(err);
    deps.log.error({ err: errorMessage(err) }, 'recording a drill failed');
    reply(problem ? 503 : 500, { error: problem ? `the database cannot be written (${problem})` : 'recording the drill failed' });
  }
}
