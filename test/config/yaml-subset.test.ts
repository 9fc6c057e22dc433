import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { CORE_SCHEMA, load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { benchConfigYaml, benchTarget } from '../../bench/eval-fleet.js';
import { exampleConfig } from '../../src/cli/init-example.js';
import { readSubset } from '../../src/config/yaml-subset.js';

// The subset reader either declines a document (js-yaml then reads it) or gives exactly what js-yaml
// gives: a config must never mean one thing on the fast path and another on the slow one.

const resolve = (plain: string): unknown => load(plain, { schema: CORE_SCHEMA });
const subset = (text: string): unknown => readSubset(text, resolve);

/** js-yaml's values, or REFUSED. */
const REFUSED = Symbol('refused');
function jsYaml(text: string): unknown {
  try {
    return load(text, { schema: CORE_SCHEMA }) ?? {};
  } catch {
    return REFUSED;
  }
}

function expectSameOrDeclined(text: string): void {
  const fast = subset(text);
  const slow = jsYaml(text);
  if (slow === REFUSED) expect(fast, JSON.stringify(text)).toBeUndefined();
  else if (fast !== undefined) expect(fast, JSON.stringify(text)).toStrictEqual(slow);
}

const README_TARGETS = `targets:
  - id: orders-db
    account: ali-prod
    service: rds
    instance: rm-bp1234567890
    labels: { env: prod, team: payments }
    rules:
      recent-success: { maxAge: 26h }
      size-anomaly: false
  -   id: "quoted # not a comment"
      account: 'it''s'
      service: rds   # a comment
      instance: 0123456789abcdef0123456789abcdef
routes:
- { match: { severity: critical }, channels: [slack, mail] }
- channels: [mail]
schedules: { poll: "*/15 * * * *" }
empty:
nothing: ~
`;

describe('the subset reader for configs', () => {
  it('reads the configs users write, as js-yaml does', () => {
    const texts = [
      exampleConfig('./backup-auditor.schema.json'),
      readFileSync(join(import.meta.dirname, '..', '..', '..', 'shared', 'contract', 'backup-auditor.example.yaml'), 'utf8'),
      benchConfigYaml(Array.from({ length: 50 }, (_, i) => benchTarget(i))),
      README_TARGETS,
    ];
    for (const text of texts) {
      const fast = subset(text);
      expect(fast, text.slice(0, 200)).not.toBeUndefined();
      expect(fast).toStrictEqual(jsYaml(text));
    }
  });

  it('declines what it does not read, and what js-yaml refuses', () => {
    const declined = [
      'a: 1\na: 2\n',
      'a: { b: 1, b: 2 }\n',
      'a: [1, 2\n',
      'a: "open\n',
      '\ta: 1\n',
      'a: *missing\n',
      'a: &x 1\n',
      'a: !!str 1\n',
      'a: |\n  block\n',
      'a: plain\n  continued\n',
      'a: "esc\\n"\n',
      '---\na: 1\n',
      '"quoted key": 1\n',
      '1: one\n',
      'true: yes\n',
      '- top\n',
      'a:\n  - x\n  b: 1\n',
      'a: b: c\n',
      'a: { b:c }\n',
      'a: [x, ]\n',
      'a: -1\n',
      'a:\n- x\n - y\n',
    ];
    for (const text of declined) {
      expect(subset(text), JSON.stringify(text)).toBeUndefined();
      expectSameOrDeclined(text);
    }
  });

  it('gives js-yaml values for every document made of config-like pieces', () => {
    const scalar = fc.constantFrom(
      ...['x', 'db-001', '12', '0o17', '0x1F', '1e3', '1.5', '.inf', '.NaN', '~', 'null', 'True', 'FALSE', 'yes', 'off'],
      ...['2026-11-24', '12:30', '1_000', '00', '0123abc', 'a b', 'a#b', 'a # c', '"q # x"', "'it''s'", '""', 'http://h:9'],
      ...['{}', '[]', '[a, 1]', '{ a: 1, b: [x] }', '{a: {b: null}}', '*/5 * * * *', '"*/5 * * * *"', 'é'],
      ...['{ l: 127.0.0.1:9464 }', '[h:9, "x", a#b, a #c]', '[a:, b]', '{ a: b: c }', '[ x , y ]', '[:x]'],
    );
    const key = fc.constantFrom('a', 'b', 'id', 'rules', 'team-1', 'x.y', 'null');
    const pad = fc.constantFrom('', ' ', '  ');
    const entry = (depth: number): fc.Arbitrary<string[]> =>
      fc.oneof(
        fc.tuple(key, pad, scalar).map(([k, p, v]) => [`${k}:${p === '' ? ' ' : p}${v}`]),
        ...(depth > 0
          ? [
              fc
                .tuple(key, block(depth - 1), fc.constantFrom('  ', '    ', ''))
                .map(([k, lines, ind]) => [`${k}:`, ...lines.map((l) => ind + l)]),
              fc
                .tuple(
                  key,
                  fc.array(
                    fc.oneof(
                      scalar.map((s) => [s]),
                      block(depth - 1),
                    ),
                    { minLength: 1, maxLength: 3 },
                  ),
                )
                .map(([k, items]) => [`${k}:`, ...items.flatMap((it) => it.map((l, i) => (i === 0 ? `  - ${l}` : `    ${l}`)))]),
            ]
          : []),
        fc.constant<string[]>(['# comment']),
        fc.constant<string[]>(['']),
      );
    const block = (depth: number): fc.Arbitrary<string[]> =>
      fc.array(entry(depth), { minLength: 1, maxLength: 4 }).map((entries) => entries.flat());
    let read = 0;
    fc.assert(
      fc.property(block(2), (lines) => {
        const text = `${lines.join('\n')}\n`;
        expectSameOrDeclined(text);
        if (subset(text) !== undefined) read++;
      }),
      { numRuns: 2000 },
    );
    // The documents are mostly ones it reads: the property is about its values, not its declining.
    expect(read).toBeGreaterThan(500);
  });
});
