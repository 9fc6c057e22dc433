import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigText } from '../../src/config/load.js';
import { AuditorError, ProviderError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/log.js';
import { normalizedBackupSchema } from '../../src/domain/backup.js';
import { sourceFor } from '../../src/providers/registry.js';
import type { ProviderContext } from '../../src/providers/types.js';
import {
  buildFleet,
  mixedFleet,
  mulberry32,
  SIM_APIS,
  type Simulator,
  simulatorConfig,
  startSimulator,
} from '../../src/simulator/index.js';
import { IN_FAULTS_SUITE, record, SEED, scaled } from './support.js';

// 10,000 generated pages per API through the real adapter (signing, parsing, normalizing): every
// input ends in pages of valid normalized backups or a ProviderError with a message, never a crash.
// The pages grow from a real page of the simulator, mutated at random paths, cut short, or replaced.

const RUNS = scaled(10_000, 100);
const DELETE = Symbol('delete');
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every path into a JSON value (objects and arrays included), so a mutation can land anywhere. */
function paths(v: Json, at: (string | number)[] = []): (string | number)[][] {
  const out = [at];
  if (Array.isArray(v))
    v.forEach((x, i) => {
      out.push(...paths(x, [...at, i]));
    });
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...at, k]));
  return out;
}

function setAt(root: Json, path: readonly (string | number)[], value: Json | typeof DELETE): Json {
  if (path.length === 0) return value === DELETE ? null : value;
  const copy = structuredClone(root);
  let node = copy as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, Json>;
  const last = path[path.length - 1] as string | number;
  if (value === DELETE) {
    if (Array.isArray(node)) node.splice(Number(last), 1);
    else delete node[last];
  } else node[last] = value;
  return copy;
}

const weird: fc.Arbitrary<Json> = fc.oneof(
  fc.jsonValue() as fc.Arbitrary<Json>,
  fc.constantFrom<Json>(
    '',
    '-1',
    'NaN',
    '1e400',
    '9007199254740993',
    '2026-13-45T99:99:99Z',
    '0000-00-00',
    'null',
    '<b>x</b>',
    '\u0000',
    '-',
    'Failed',
    'COMPLETED',
    'running',
  ),
  fc.constantFrom<Json>(-1, 0, 1e308, -1e308, 2 ** 63, 1.5, Number.MAX_SAFE_INTEGER + 2, 32503680000000, -62135596800),
  fc.string({ maxLength: 40 }),
);

/** A page body: the real page mutated, truncated, or something else entirely. */
function pageBody(template: Json): fc.Arbitrary<string> {
  const all = paths(template);
  const mutations = fc.array(fc.tuple(fc.nat(), fc.oneof(weird, fc.constant<typeof DELETE>(DELETE))), { minLength: 1, maxLength: 6 });
  const mutated = mutations.map((ms) =>
    JSON.stringify(
      ms.reduce<Json>((doc, [i, v]) => {
        const p = paths(doc);
        return setAt(doc, p[i % p.length] ?? all[0] ?? [], v);
      }, template),
    ),
  );
  const text = JSON.stringify(template);
  return fc.oneof(
    { arbitrary: mutated, weight: 8 },
    { arbitrary: fc.nat({ max: text.length }).map((n) => text.slice(0, n)), weight: 1 },
    { arbitrary: weird.map((v) => JSON.stringify(v)), weight: 1 },
  );
}

let sim: Simulator | undefined;
const templates = new Map<string, Json>();
let loaded: ReturnType<typeof loadConfigText>;
afterAll(async () => sim?.close());

beforeAll(async () => {
  // OTC signs with AK/SK here so every request is a listing request; the IAM login is not what is fuzzed.
  const spec = mixedFleet({ seed: SEED, now: Date.now(), perApi: 1, days: 3 });
  const aksk = { ...spec, accounts: spec.accounts.map((a) => (a.cloud === 'otc' ? { ...a, auth: 'aksk' as const } : a)) };
  sim = await startSimulator({ fleet: buildFleet(aksk) });
  loaded = loadConfigText(simulatorConfig(aksk, { url: sim.url }), '/tmp/faults/fuzz.yaml');
  for (const target of loaded.config.targets) {
    const account = loaded.config.accounts[target.account];
    if (!account) continue;
    const source = sourceFor(account.cloud, target.service);
    // The first page this adapter really gets from the simulator is the template for its API.
    const ctx = context(async (input, init) => {
      const res = await fetch(input, init);
      const body = await res.text();
      if (!templates.has(source.id)) templates.set(source.id, JSON.parse(body) as Json);
      return new Response(body, { status: res.status, headers: res.headers });
    });
    for await (const _page of source.list(account, target.account, target, ctx)) void _page;
  }
});

function context(fetcher: typeof fetch): ProviderContext {
  return {
    clock: () => Date.now(),
    fetch: fetcher,
    secret: (ref) => (typeof ref === 'string' ? ref : ''),
    log: silentLogger,
    sleep: async () => undefined,
    random: mulberry32(SEED),
    timeoutMs: 1_000,
  };
}

const problems: string[] = [];

describe.runIf(IN_FAULTS_SUITE)('provider pages fuzzed through every adapter', () => {
  for (const api of SIM_APIS) {
    it(`${api}: ${RUNS} generated pages end in valid backups or a ProviderError, never a crash`, async () => {
      const template = templates.get(api);
      expect(template, `a template page for ${api}`).toBeDefined();
      const target = loaded.config.targets.find((t) => `${loaded.config.accounts[t.account]?.cloud}/${t.service}` === api);
      const account = target && loaded.config.accounts[target.account];
      if (!target || !account) throw new Error(`no target for ${api}`);
      const source = sourceFor(account.cloud, target.service);
      let rejected = 0;
      await fc.assert(
        fc.asyncProperty(pageBody(template as Json), fc.constantFrom(200, 200, 200, 400, 500), async (body, status) => {
          let calls = 0;
          // The generated page first; any next page the adapter asks for is a dropped connection.
          const ctx = context(async () => {
            if (calls++ > 0) throw new TypeError('fetch failed');
            return new Response(body, { status, headers: { 'content-type': 'application/json' } });
          });
          try {
            for await (const page of source.list(account, target.account, target, ctx)) {
              for (const item of page.items) normalizedBackupSchema.parse(item);
            }
          } catch (err) {
            rejected++;
            if (!(err instanceof ProviderError)) throw err;
            if (err.message.trim() === '') throw new Error('empty error message');
          }
        }),
        { numRuns: RUNS, seed: SEED, endOnFailure: true },
      );
      record({ area: `fuzz pages ${api}`, inputsFuzzed: RUNS });
      expect(rejected).toBeGreaterThan(0);
    });
  }
});

describe.runIf(IN_FAULTS_SUITE)('configs fuzzed through loadConfigText', () => {
  const CONFIGS = scaled(1_000, 50);
  const valid = {
    database: './audit.db',
    accounts: {
      ali: {
        cloud: 'aliyun',
        regionId: 'cn-hangzhou',
        accessKeyId: 'AKID',
        accessKeySecret: 'SECRET',
        endpoint: 'https://rds.aliyuncs.com',
      },
      uc: { cloud: 'ucloud', publicKey: 'pub', privateKey: 'priv' },
      otc: { cloud: 'otc', region: 'eu-de', projectId: 'p', auth: { type: 'password', domain: 'd', user: 'u', password: 'pw' } },
    },
    targets: [
      {
        id: 'a-db',
        account: 'ali',
        service: 'rds',
        instance: 'rm-1',
        labels: { team: 'x' },
        rules: { 'recent-success': { maxAge: '26h' } },
      },
      { id: 'b-db', account: 'uc', service: 'upgsql', instance: 'upgsql-1', region: 'cn-bj2', zone: 'cn-bj2-04' },
    ],
    rules: { retention: false, 'size-anomaly': true },
    channels: {
      mail: { type: 'email', smtp: 'smtp://127.0.0.1:25', from: 'a@example.com', to: ['b@example.com'] },
      hook: { type: 'webhook', url: 'https://example.com/h', secret: 's' },
    },
    routes: [{ match: { severity: 'critical' }, channels: ['mail'] }],
    alerting: { groupWait: '30s' },
    schedules: { poll: '*/30 * * * *' },
  } as const satisfies Json;
  // What a problem starts with: the YAML line, or the path of the field it is about, from a top-level key
  // (keys inside may be anything the generator made up, so only the first segment is checked).
  const TOP_KEYS = 'database|redis|queue|timezone|schedules|http|accounts|targets|rules|profiles|channels|routes|alerting|report';
  const NAMES_A_FIELD = new RegExp(`^(line \\d+: .+|(${TOP_KEYS})([.[][^\\n]*)?: .+)$`, 's');

  it(`${CONFIGS} generated configs load or fail with a ConfigError whose every problem names a field`, () => {
    let rejected = 0;
    fc.assert(
      fc.property(pageBody(valid as unknown as Json), (json) => {
        let text: string;
        try {
          text = JSON.stringify(JSON.parse(json), null, 1); // YAML is a superset of JSON
        } catch {
          text = json; // a truncated document: YAML must reject it by line
        }
        try {
          loadConfigText(text, '/etc/backup-auditor/config.yaml', { env: {} });
        } catch (err) {
          rejected++;
          if (!(err instanceof AuditorError) || err.kind !== 'config') throw err;
          const doc = (() => {
            try {
              return JSON.parse(text) as unknown;
            } catch {
              return undefined;
            }
          })();
          const rootIsMapping = doc !== null && typeof doc === 'object' && !Array.isArray(doc);
          for (const p of (err as AuditorError & { problems: string[] }).problems) {
            // At the root, the problem names the unknown keys, or the document is not a mapping at all.
            const root = p.startsWith('(root): ') && (!rootIsMapping || /^\(root\): Unrecognized keys?: "/.test(p));
            if (!NAMES_A_FIELD.test(p) && !root) problems.push(p);
          }
        }
      }),
      { numRuns: CONFIGS, seed: SEED },
    );
    record({ area: 'fuzz configs', inputsFuzzed: CONFIGS });
    expect(rejected).toBeGreaterThan(CONFIGS / 10);
    expect([...new Set(problems)].slice(0, 10)).toEqual([]);
  });
});
