import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quickRun } from '../../src/cli/quick-run.js';
import { closeDatabase, openDatabase } from '../../src/db/client.js';
import { writeFinding } from '../../src/db/findings.js';
import { runCli, spawnCli } from '../helpers/cli.js';
import { tempConfig } from '../helpers/temp.js';

// bin.ts answers a few argument lists itself, without commander (quick-run.ts): from the executable
// they must print and exit exactly as main() does.

let fixture: { dir: string; config: string; cleanup: () => void };

beforeAll(() => {
  fixture = tempConfig(`database: ./audit.db
accounts:
  ali: { cloud: aliyun, regionId: cn-hangzhou, accessKeyId: ak, accessKeySecret: sk }
targets:
  - { id: orders-pg, account: ali, service: rds, instance: rm-orders }
  - { id: billing-pg, account: ali, service: rds, instance: rm-billing }
`);
  const db = openDatabase(join(fixture.dir, 'audit.db'));
  try {
    for (const [targetId, ruleId, state, reason] of [
      ['orders-pg', 'recent-success', 'alarm', 'last completed backup ended 2026-11-18T03:00Z, 30h ago'],
      ['orders-pg', 'failed-backup', 'ok', 'no failed backup in the last 1d'],
      ['billing-pg', 'recent-success', 'ok', 'the "primary" said:\r\n\u001b[31mfine'],
    ] as const) {
      writeFinding(db, undefined, {
        targetId,
        ruleId,
        state,
        severity: 'critical',
        reason,
        details: undefined,
        now: Date.parse('2026-11-20T12:00:00Z'),
        notify: [],
        firing: false,
        silencedBy: null,
      });
    }
  } finally {
    closeDatabase(db);
  }
  writeFileSync(join(fixture.dir, 'broken.yaml'), 'database: ./audit.db\ntargets: 3\n');
});
afterAll(() => fixture.cleanup());

describe('the arguments answered without commander', () => {
  it('are a lone --version or --help, and status --json after at most a --config', () => {
    expect(quickRun(['-V'])).toEqual({ kind: 'version' });
    expect(quickRun(['--help'])).toEqual({ kind: 'help' });
    expect(quickRun(['status', '--json'])).toEqual({ kind: 'status-json' });
    expect(quickRun(['-c', 'a.yaml', 'status', '--json'])).toEqual({ kind: 'status-json', config: 'a.yaml' });
    expect(quickRun(['--config', 'a.yaml', 'status', '--json'])).toEqual({ kind: 'status-json', config: 'a.yaml' });
    for (const other of [
      [],
      ['status'],
      ['--json', 'status'],
      ['status', '--json', '--state', 'alarm'],
      ['--config=a.yaml', 'status', '--json'],
      ['-c', '--json', 'status', '--json'],
      ['--version', '--help'],
      ['help'],
    ]) {
      expect(quickRun(other), other.join(' ')).toBeUndefined();
    }
  });

  // The config's folder is not the project's, where tsx is found: the config is named by path, or by the environment.
  const forms: [string, () => string[]][] = [
    ['--config FILE status --json', () => ['--config', fixture.config, 'status', '--json']],
    ['-c FILE status --json', () => ['-c', fixture.config, 'status', '--json']],
    ['status --json', () => ['status', '--json']],
    ['an invalid config', () => ['--config', join(fixture.dir, 'broken.yaml'), 'status', '--json']],
    ['a missing config', () => ['--config', join(fixture.dir, 'missing.yaml'), 'status', '--json']],
  ];
  it.each(forms)('print and exit as main() does: %s', async (_form, args) => {
    const argv = args();
    const env = { BACKUP_AUDITOR_CONFIG: fixture.config };
    const expected = await runCli(argv, { env });
    const { code, stdout, stderr } = await spawnCli(argv, { env }).result;
    expect({ code, stdout, stderr }).toEqual(expected);
    expect(quickRun(argv)).toBeDefined();
  });
});
