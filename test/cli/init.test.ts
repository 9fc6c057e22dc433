import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { EXAMPLE_ENV_VARS } from '../../src/cli/init-example.js';
import { configJsonSchema } from '../../src/config/json-schema.js';
import { runCli, spawnCli, tempDir } from '../helpers/cli.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const EXAMPLE_ENV = Object.fromEntries(
  EXAMPLE_ENV_VARS.map((v) => [
    v,
    v.includes('SMTP') ? 'smtp://u:p@127.0.0.1:2525' : /SLACK|HEARTBEAT/.test(v) ? 'http://127.0.0.1:9/hook' : `value-of-${v}`,
  ]),
);

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir('ba-init-')));
afterEach(() => cleanup());

const init = (...args: string[]) => runCli(['init', ...args], { cwd: dir, env: {} });
const validate = (env: NodeJS.ProcessEnv, file = 'backup-auditor.yaml') => runCli(['--config', join(dir, file), 'validate'], { env });

describe('backup-auditor init with flags', () => {
  it('writes a commented config with a schema line that passes validate once its variables are set', async () => {
    const r = await init(
      '--cloud',
      'aliyun',
      '--region',
      'cn-shanghai',
      '--target',
      'orders-db=rm-bp1',
      '--target',
      'billing=rm-bp2',
      '--channel',
      'slack',
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const text = readFileSync(join(dir, 'backup-auditor.yaml'), 'utf8');
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=./backup-auditor.schema.json');
    expect(JSON.parse(readFileSync(join(dir, 'backup-auditor.schema.json'), 'utf8'))).toEqual(configJsonSchema());
    expect(text).toContain('accessKeyId: { env: ALI_AK }');
    expect(r.stdout).toContain('next: set ALI_AK, ALI_SK, SLACK_WEBHOOK_URL');
    expect((await validate({})).code).toBe(2);
    const ok = await validate({ ALI_AK: 'id', ALI_SK: 'secret', SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/x' });
    expect(ok.stdout).toContain('valid (1 accounts, 2 targets, 1 channels, 1 routes)');
    expect(ok.code).toBe(0);
  });

  it.each([
    [
      'ucloud upgsql with email',
      [
        '--cloud',
        'ucloud',
        '--zone',
        'cn-bj2-04',
        '--channel',
        'email',
        '--email-from',
        'auditor@example.com',
        '--email-to',
        'dba@example.com,ops@example.com',
      ],
      { UCLOUD_PUBLIC_KEY: 'p', UCLOUD_PRIVATE_KEY: 'k', SMTP_URL: 'smtp://127.0.0.1:25' },
    ],
    [
      'ucloud tidb',
      ['--cloud', 'ucloud', '--service', 'tidb', '--project-id', 'org-1'],
      { UCLOUD_PUBLIC_KEY: 'p', UCLOUD_PRIVATE_KEY: 'k', SLACK_WEBHOOK_URL: 'https://h/x' },
    ],
    [
      'otc with a signed webhook',
      [
        '--cloud',
        'otc',
        '--project-id',
        '0483b6b16e954cb88930a360d2c4e663',
        '--channel',
        'webhook',
        '--webhook-url',
        'https://hooks.example.com/x',
        '--channel-env',
        'HOOK_SECRET',
      ],
      { OTC_AK: 'a', OTC_SK: 's', HOOK_SECRET: 'h' },
    ],
    [
      'huaweicloud with named variables',
      ['--cloud', 'huaweicloud', '--project-id', '123abc', '--key-env', 'HW_AK', '--secret-env', 'HW_SK', '--channel-env', 'HOOK'],
      { HW_AK: 'a', HW_SK: 's', HOOK: 'https://h/x' },
    ],
  ])('writes a valid config for %s', async (_name, flags, env) => {
    const r = await init(...flags, '--target', 'db-1=instance-0001');
    expect(r.code).toBe(0);
    const v = await validate(env);
    expect(v.stderr).toBe('');
    expect(v.code).toBe(0);
  });

  it('names environment variables only, never a value, even when the variables are set', async () => {
    const r = await runCli(['init', '--cloud', 'aliyun', '--target', 'a=rm-1'], {
      cwd: dir,
      env: { ALI_AK: 'LTAIsecretid', ALI_SK: 'TopSecret123', SLACK_WEBHOOK_URL: 'https://hooks.slack.com/T/B/tok' },
    });
    expect(r.stdout).toContain('the config is valid and its secrets resolve');
    const text = readFileSync(join(dir, 'backup-auditor.yaml'), 'utf8');
    for (const secret of ['LTAIsecretid', 'TopSecret123', 'tok']) expect(text + r.stdout).not.toContain(secret);
  });

  it('refuses to overwrite an existing config without --force and names the way out', async () => {
    writeFileSync(join(dir, 'backup-auditor.yaml'), 'mine\n');
    const r = await init('--cloud', 'aliyun', '--target', 'a=rm-1');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('already exists: pass --force to overwrite it, or --out OTHER.yaml');
    expect(readFileSync(join(dir, 'backup-auditor.yaml'), 'utf8')).toBe('mine\n');
    expect((await init('--cloud', 'aliyun', '--target', 'a=rm-1', '--force')).code).toBe(0);
    expect(readFileSync(join(dir, 'backup-auditor.yaml'), 'utf8')).toContain('cloud: aliyun');
  });

  it('rejects bad flags with exit 2, naming each flag, and writes nothing', async () => {
    const bad = await init('--cloud', 'gcp', '--target', 'a=b');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--cloud: "gcp" is not a cloud; use one of aliyun, ucloud, otc, huaweicloud');
    const many = await init('--cloud', 'otc', '--target', 'no-equals', '--key-env', 'MY SECRET VALUE', '--channel', 'pager');
    expect(many.code).toBe(2);
    expect(many.stderr).toContain('--target: "no-equals" must be id=instance');
    expect(many.stderr).toContain('--key-env: must be an environment variable NAME');
    expect(many.stderr).toContain('--project-id: required for otc');
    expect(many.stderr).toContain('--channel: must be one of slack, email, webhook');
    expect(existsSync(join(dir, 'backup-auditor.yaml'))).toBe(false);
  });

  it('says what to pass when stdin is not a terminal and no flags were given', async () => {
    const r = await init();
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('pass --cloud and --target');
  });
});

describe('backup-auditor init --example', () => {
  it('passes validate with its environment variables set, covering every cloud, service and channel type', async () => {
    const r = await init('--example', '--out', 'example.yaml');
    expect(r.code).toBe(0);
    const v = await validate(EXAMPLE_ENV, 'example.yaml');
    expect(v.stderr).toBe('');
    expect(v.stdout).toContain('valid (4 accounts, 5 targets, 3 channels, 3 routes)');
    const doc = parse(readFileSync(join(dir, 'example.yaml'), 'utf8')) as {
      accounts: Record<string, { cloud: string }>;
      targets: { service: string; account: string }[];
      channels: Record<string, { type: string }>;
    };
    expect(new Set(Object.values(doc.accounts).map((a) => a.cloud))).toEqual(new Set(['ucloud', 'otc', 'huaweicloud', 'aliyun']));
    expect(new Set(doc.targets.map((t) => `${doc.accounts[t.account]?.cloud}/${t.service}`))).toEqual(
      new Set(['ucloud/upgsql', 'ucloud/tidb', 'otc/rds', 'huaweicloud/dds', 'aliyun/rds']),
    );
    expect(new Set(Object.values(doc.channels).map((c) => c.type))).toEqual(new Set(['email', 'slack', 'webhook']));
  });

  it('uses every option the config schema knows, so it stays complete as the schema grows', async () => {
    await init('--example', '--out', 'example.yaml');
    const keysInExample = new Set<string>();
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object')
        for (const [k, x] of Object.entries(v)) {
          keysInExample.add(k);
          walk(x);
        }
    };
    const text = readFileSync(join(dir, 'example.yaml'), 'utf8');
    walk(parse(text));
    // Commented out on purpose: an example must not need a Redis server or a secret file; their lines are there.
    expect(text).toContain('# redis: redis://');
    expect(text).toContain('# privateKey: { file: ./secrets/');
    expect(text).toContain('# evidence: { signingKey: { file: ./secrets/');
    keysInExample.add('redis').add('file').add('evidence').add('signingKey');
    const missing = [...schemaPropertyNames(configJsonSchema())].filter((k) => !keysInExample.has(k));
    expect(missing).toEqual([]);
  });
});

/** Every name under any `properties` of a JSON Schema. */
function schemaPropertyNames(schema: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(schema)) for (const s of schema) schemaPropertyNames(s, out);
  else if (schema && typeof schema === 'object') {
    for (const [k, v] of Object.entries(schema)) {
      if (k === 'properties' && v && typeof v === 'object') for (const name of Object.keys(v)) out.add(name);
      schemaPropertyNames(v, out);
    }
  }
  return out;
}

describe('backup-auditor init asking questions', () => {
  it('takes answers piped to stdin with -i, re-asking after an invalid one', async () => {
    const config = join(dir, 'piped.yaml');
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/bin.ts'), '--config', config, 'init', '-i'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    // Everything typed ahead at once: answers must not be lost between questions.
    child.stdin.end(
      [
        'ucloud',
        'uc-main',
        'cn-sh2',
        '',
        'UC_PUB',
        'UC_PRIV',
        '',
        'tidb',
        'ledger=tidb-1',
        'bad',
        '',
        'email',
        '',
        'auditor@example.com',
        'not-an-address',
        'dba@example.com',
        '',
      ].join('\n'),
    );
    const code = await new Promise<number | null>((res) => child.on('close', res));
    expect(out).toContain('must be id=instance');
    expect(out).toContain('must be an email address; try again');
    expect(code).toBe(0);
    const v = await runCli(['--config', config, 'validate'], { env: { UC_PUB: 'a', UC_PRIV: 'b', SMTP_URL: 'smtp://127.0.0.1:25' } });
    expect(v.stderr).toBe('');
    expect(readFileSync(config, 'utf8')).toMatch(/service: tidb, instance: tidb-1, region: cn-sh2/);
  });

  it.skipIf(spawnSync('script', ['--version']).status !== 0)(
    'asks on a pseudo-terminal and writes what was typed at its prompts',
    async () => {
      const config = join(dir, 'tty.yaml');
      const command = `${process.execPath} --import tsx src/cli/bin.ts --config ${config} init`;
      const child = spawn('script', ['-qfec', command, '/dev/null'], {
        cwd: ROOT,
        env: { PATH: process.env.PATH, TERM: 'xterm' },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let screen = '';
      child.stdout.on('data', (d: Buffer) => (screen += d.toString()));
      const answer = async (prompt: string, text: string) => {
        const seen = screen.length;
        for (let i = 0; i < 200 && !screen.slice(Math.max(0, seen - 200)).includes(prompt); i++)
          await new Promise((r) => setTimeout(r, 50));
        expect(screen).toContain(prompt);
        child.stdin.write(`${text}\r`);
      };
      await answer('Cloud (', 'otc');
      await answer('Account name', 'otc-main');
      await answer('Region [eu-de]', '');
      await answer('Project id', '0483b6b16e954cb88930a360d2c4e663');
      await answer('hold the access key (AK)', '');
      await answer('hold the secret key (SK)', '');
      await answer('API endpoint', 'http://127.0.0.1:8900');
      await answer('Target 1', 'billing=inst-1');
      await answer('Target 2', '');
      await answer('Alert channel', 'webhook');
      await answer('Webhook URL', 'https://hooks.example.com/ba');
      await answer('signing secret', 'HOOK_SECRET');
      const code = await new Promise<number | null>((res) => child.on('close', res));
      child.stdin.end();
      expect(code).toBe(0);
      const text = readFileSync(config, 'utf8');
      expect(text).toContain('region: eu-de');
      expect(text).toContain('endpoint: "http://127.0.0.1:8900"');
      expect(text).toContain('secret: { env: HOOK_SECRET }');
      const v = await runCli(['--config', config, 'validate'], { env: { OTC_AK: 'a', OTC_SK: 'b', HOOK_SECRET: 'c' } });
      expect(v.stderr).toBe('');
      expect(v.code).toBe(0);
    },
  );

  it('stops without writing when the input ends before the last question', async () => {
    const config = join(dir, 'partial.yaml');
    const r = spawnCli(['--config', config, 'init', '-i']);
    const run = await r.result;
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('nothing was written');
    expect(existsSync(config)).toBe(false);
  });
});
