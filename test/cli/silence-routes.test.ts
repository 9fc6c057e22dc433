import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempConfig } from '../helpers/temp.js';

let cleanup: () => void;
let config: string;

beforeAll(() => {
  ({ config, cleanup } = tempConfig(
    `database: ./audit.db
timezone: Europe/Berlin
accounts:
  ali: { cloud: aliyun, regionId: cn-hangzhou, accessKeyId: ak, accessKeySecret: sk }
targets:
  - { id: orders-db, account: ali, service: rds, instance: rm-1, labels: { team: payments, env: prod } }
  - { id: scratch-db, account: ali, service: rds, instance: rm-2, labels: { env: dev } }
rules:
  failed-backup: { severity: warning }
channels:
  pager: { type: webhook, url: "http://127.0.0.1:9/hook" }
  chat: { type: webhook, url: "http://127.0.0.1:9/chat" }
routes:
  - { match: { severity: critical }, matchRe: { env: "prod|staging" }, channels: [pager], continue: true, repeatInterval: 4h }
  - { channels: [chat] }
`,
    'ba-silence-',
  ));
});
afterAll(() => cleanup());

const cli = (...args: string[]) => runCli(['--config', config, ...args]);

describe('silence add | list | expire', () => {
  it('adds a silence read in the config timezone, lists it, and expires it', async () => {
    const add = await cli(
      'silence',
      'add',
      '--target',
      'orders-db',
      '--from',
      '2026-11-24 22:00',
      '--until',
      '2999-01-01 06:00',
      '--reason',
      'storage migration',
      '--author',
      'ops',
    );
    expect(add.code).toBe(0);
    expect(add.stdout).toMatch(
      /silence (\d+) added: target=orders-db from 2026-11-24T21:00:00Z until 2999-01-01T05:00:00Z by ops: storage migration/,
    );
    const id = /silence (\d+) added/.exec(add.stdout)![1]!;
    const list = await cli('silence', 'list', '--json');
    expect(JSON.parse(list.stdout)).toEqual([
      expect.objectContaining({ id: Number(id), reason: 'storage migration', matchers: { target: 'orders-db' } }),
    ]);
    expect((await cli('silence', 'expire', id)).code).toBe(0);
    expect((await cli('silence', 'list')).stdout).toContain('no active or scheduled silences');
    expect((await cli('silence', 'list', '--all')).stdout).toMatch(new RegExp(`^\\s*${id}\\s+expired`, 'm'));
    expect((await cli('silence', 'expire', id)).code).toBe(2);
  });

  it('accepts --for and label matchers', async () => {
    const add = await cli(
      'silence',
      'add',
      '--label',
      'team=payments',
      '--rule',
      'recent-success',
      '--for',
      '2h',
      '--reason',
      'maintenance',
    );
    expect(add.code).toBe(0);
    expect(add.stdout).toContain('rule=recent-success team=payments');
  });

  it('refuses an unusable silence with every problem named and exit 2', async () => {
    const r = await cli('silence', 'add', '--target', 'nope', '--rule', 'frob', '--label', 'broken', '--from', 'tomorrow', '--reason', ' ');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--target: unknown target "nope"');
    expect(r.stderr).toContain('--rule: unknown rule "frob"');
    expect(r.stderr).toContain('--label: "broken" must be key=value');
    expect(r.stderr).toContain('--from: "tomorrow" is not an instant');
    expect(r.stderr).toContain('give exactly one of --until or --for');
    const past = await cli(
      'silence',
      'add',
      '--target',
      'orders-db',
      '--from',
      '2020-01-01T00:00Z',
      '--until',
      '2020-01-02T00:00Z',
      '--reason',
      'x',
    );
    expect(past.stderr).toContain('would already be over');
    const none = await cli('silence', 'add', '--for', '1h', '--reason', 'x');
    expect(none.stderr).toContain('a silence needs at least one of --target, --rule or --label');
  });
});

describe('routes test', () => {
  it('shows that a critical prod finding goes to the pager and, through continue, to chat', async () => {
    const r = await cli('routes', 'test', '--target', 'orders-db', '--rule', 'recent-success');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('orders-db / recent-success (severity critical)');
    expect(r.stdout).toContain('channels: pager, chat');
    expect(r.stdout).toContain('matched:  routes [0], [1]; reminders every 4h');
  });

  it('routes a warning or a dev target only to the default route', async () => {
    expect((await cli('routes', 'test', '--target', 'orders-db', '--rule', 'failed-backup')).stdout).toContain('channels: chat');
    expect((await cli('routes', 'test', '--target', 'scratch-db', '--rule', 'recent-success')).stdout).toContain('channels: chat');
  });

  it('names an unknown target or rule with exit 2', async () => {
    const r = await cli('routes', 'test', '--target', 'x', '--rule', 'recent-success');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown target "x"; configured: orders-db, scratch-db');
  });
});
