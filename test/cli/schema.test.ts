import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { rules } from '../../rules/registry.js';
import { EXAMPLE_ENV_VARS } from '../../src/cli/init-example.js';
import { configJsonSchema, DURATION_PATTERN } from '../../src/config/json-schema.js';
import { configSchema } from '../../src/config/schema.js';
import { parseDuration } from '../../src/core/duration.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { validateJson } from '../helpers/json-schema-validator.js';

// The generated schema is checked with Ajv (draft 2020-12, strict mode), as editors and CI tools would
// check a config against it.

const CONTRACT = resolve(import.meta.dirname, '../../../shared/contract/backup-auditor.example.yaml');
const env = Object.fromEntries(
  [...EXAMPLE_ENV_VARS, 'UCLOUD_PUBLIC_KEY', 'OTC_AK', 'ALI_AK'].map((v) => [
    v,
    v.includes('SMTP') ? 'smtp://127.0.0.1:25' : v.includes('SLACK') ? 'https://hooks.example.com/x' : 'x',
  ]),
);

let dir: string;
let cleanup: () => void;
let schema: Record<string, unknown>;
beforeAll(async () => {
  ({ dir, cleanup } = tempDir('ba-schema-'));
  const r = await runCli(['schema']);
  expect(r.code).toBe(0);
  schema = JSON.parse(r.stdout) as Record<string, unknown>;
});
afterAll(() => cleanup());

const check = (yamlText: string) => validateJson(schema as never, parse(yamlText));

const minimal = `
accounts:
  ali: { cloud: aliyun, regionId: cn-hangzhou, accessKeyId: { env: ALI_AK }, accessKeySecret: { env: ALI_SK } }
targets:
  - { id: orders, account: ali, service: rds, instance: rm-1 }
channels:
  ops: { type: slack, webhook: { env: SLACK_WEBHOOK_URL } }
`;

describe('backup-auditor schema', () => {
  it('prints the schema generated from the zod config schema and the rule registry', () => {
    expect(schema).toEqual(configJsonSchema());
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    const props = schema.properties as Record<string, { properties?: Record<string, unknown> }>;
    expect(Object.keys(props).sort()).toEqual(Object.keys(configSchema.shape).sort());
    expect(Object.keys(props.rules?.properties ?? {}).sort()).toEqual([...rules.ids].sort());
  });

  it('describes durations by the forms the loader reads, not the ISO-only JSON Schema format', () => {
    expect(JSON.stringify(schema)).not.toContain('"format":"duration"');
    const re = new RegExp(DURATION_PATTERN);
    for (const ok of ['24h', '90m', '7d', '2w', '1.5h', '500ms', 'PT24H', 'P1DT2H'])
      expect([ok, re.test(ok), parseDuration(ok) !== null]).toEqual([ok, true, true]);
    for (const bad of ['soon', '24', 'h', '1 day']) expect([bad, re.test(bad)]).toEqual([bad, false]);
  });

  it('accepts the contract example', () => {
    expect(check(readFileSync(CONTRACT, 'utf8'))).toEqual([]);
  });

  it('accepts what init writes: the full example and a config from flags', async () => {
    expect((await runCli(['init', '--example', '--out', 'example.yaml'], { cwd: dir })).code).toBe(0);
    expect(check(readFileSync(join(dir, 'example.yaml'), 'utf8'))).toEqual([]);
    expect((await runCli(['init', '--cloud', 'ucloud', '--target', 'pg=LLtYwYlt', '--out', 'flags.yaml'], { cwd: dir })).code).toBe(0);
    expect(check(readFileSync(join(dir, 'flags.yaml'), 'utf8'))).toEqual([]);
  });

  it('writes the same schema to a file with --out', async () => {
    const r = await runCli(['schema', '--out', 'schema.json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'schema.json'), 'utf8'))).toEqual(schema);
  });

  it.each([
    ['an account without its region', minimal.replace('regionId: cn-hangzhou, ', '')],
    ['an unknown top-level key', `${minimal}\nfrobnicate: true\n`],
    ['an unknown cloud', minimal.replace('cloud: aliyun', 'cloud: gcp')],
    ['a target without an instance', minimal.replace(', instance: rm-1', '')],
    ['an endpoint that is not a URL', minimal.replace('regionId: cn-hangzhou', 'regionId: cn-hangzhou, endpoint: "not a url"')],
    ['a duration that is not one', `${minimal}\nrules:\n  recent-success: { maxAge: soon }\n`],
    ['an unknown rule', `${minimal}\nrules:\n  always-green: true\n`],
    ['an unknown rule parameter', `${minimal}\nrules:\n  failed-backup: { lookbackk: 24h }\n`],
    ['an unknown severity', `${minimal}\nrules:\n  failed-backup: { severity: urgent }\n`],
    ['an environment variable name that is not one', minimal.replace('{ env: ALI_SK }', '{ env: "my secret" }')],
    [
      'a recipient that is not an address',
      `${minimal}  mail: { type: email, smtp: { env: SMTP_URL }, from: a@example.com, to: [nobody] }\n`,
    ],
    // `targets: []` is not here: it is valid when an account discovers (a whole-file rule, like references, that only validate checks).
    ['a listen address without a port', `${minimal}\nhttp: { listen: "9464" }\n`],
  ])('rejects %s, as validate does', async (_name, yamlText) => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, yamlText);
    const v = await runCli(['--config', file, 'validate'], { env: { ...env, ALI_SK: 'x', SMTP_URL: 'smtp://127.0.0.1:25' } });
    expect(v.code).toBe(2);
    expect(check(yamlText)).not.toEqual([]);
  });

  it('accepts the minimal config that validate accepts', async () => {
    const file = join(dir, 'good.yaml');
    writeFileSync(file, minimal);
    const v = await runCli(['--config', file, 'validate'], {
      env: { ALI_AK: 'a', ALI_SK: 'b', SLACK_WEBHOOK_URL: 'https://hooks.example.com/x' },
    });
    expect(v.code).toBe(0);
    expect(check(minimal)).toEqual([]);
  });
});
