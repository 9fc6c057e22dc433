import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { exampleConfig } from '../../src/cli/init-example.js';
import { readFast } from '../../src/config/yaml-fast.js';

// Configs are read by js-yaml for speed and by the `yaml` library where positions matter: for every
// document js-yaml accepts, both must give the same values, or a config would mean one thing when it
// is valid and another when it is not.

const SCALARS = [
  'a: 0o17',
  'a: 0x1F',
  'a: 017',
  'a: 1e3',
  'a: -1.5',
  'a: .inf',
  'a: -.Inf',
  'a: .nan',
  'a: 1_000',
  'a: +12',
  'a: ~',
  'a: null',
  'a: Null',
  'a:',
  'a: true',
  'a: True',
  'a: FALSE',
  'a: yes',
  'a: off',
  'a: y',
  'a: 2026-11-24',
  'a: 2026-11-24T22:00Z',
  'a: "2026"',
  "a: '0x1F'",
  'a: 12:30',
  'a: 1:20:30',
  'a: 0.1',
  'a: 00',
  'a: "tab\\there"',
  "a: 'it''s'",
  'a: "\\u00e9 \\U0001F600"',
  'a: plain # comment',
  'a: "#not comment"',
  'a: x:y',
  'a: 30d',
  'a: PT24H',
  'a: "*/30 * * * *"',
  'a: -',
  'a: [1, "2", three]',
  'a: {b: 1, c: [d]}',
  'a: {}',
  'a: []',
];

const DOCUMENTS = [
  '',
  '# only a comment',
  '---\na: 1\n',
  'a: |\n  line 1\n  line 2\n',
  'a: >\n  folded\n  text\n\n  para\n',
  'a: |-\n  x\n',
  'base: &b { x: 1 }\nuse: *b\n',
  'list:\n  - a\n  -   b: 1\n      c: 2\n  - [x, y]\n',
  'k: v\n"quoted key": 1\n? complex\n: 2\n',
  'a:\n  b:\n    c: deep\n',
  'a: "multi\n  line"\n',
  'a: plain\n  continued\n',
  'ünï: cødé\n',
  'a: 1\n...\n',
];

const SHARED_EXAMPLE = join(import.meta.dirname, '..', '..', '..', 'shared', 'contract', 'backup-auditor.example.yaml');

/** What the yaml library reads, or REFUSED. */
const REFUSED = Symbol('refused');
function yamlValue(text: string): unknown {
  try {
    return parse(text) ?? {};
  } catch {
    return REFUSED;
  }
}

/** js-yaml either declines (undefined: the yaml library then reads it) or gives yaml's values; it never accepts what yaml refuses. */
function expectSameOrDeclined(text: string): void {
  const fast = readFast(text);
  const slow = yamlValue(text);
  if (slow === REFUSED) expect(fast, JSON.stringify(text)).toBeUndefined();
  else if (fast !== undefined) expect(fast, JSON.stringify(text)).toEqual(slow);
}

describe('the fast config reader', () => {
  it('gives the values the yaml library gives, for every scalar form a config may hold', () => {
    for (const text of SCALARS) expectSameOrDeclined(text);
    // Declining is for the odd document; a config's ordinary scalars take the fast path.
    expect(SCALARS.filter((text) => readFast(text) === undefined)).toEqual(['a: -']);
  });

  it('gives the same values for block scalars, anchors, flow and nested collections', () => {
    for (const text of DOCUMENTS) expectSameOrDeclined(text);
  });

  it('reads the example config with every option, and the contract example, as the yaml library does', () => {
    const texts = [exampleConfig('./backup-auditor.schema.json'), readFileSync(SHARED_EXAMPLE, 'utf8')];
    for (const text of texts) expect(readFast(text)).toEqual(parse(text));
  });

  it('declines what the yaml library refuses, so the error names its line', () => {
    for (const text of ['a: 1\na: 2\n', 'a: [1, 2\n', 'a: "open\n', '\ta: 1\n', 'a: *missing\n']) {
      expect(readFast(text), JSON.stringify(text)).toBeUndefined();
    }
  });
});
