import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SIM_APIS } from '../../src/simulator/index.js';
import { runCli, tempDir } from '../helpers/cli.js';

describe('the demo', () => {
  it('audits targets on all five simulated APIs in three acts, and resolves payments-db after its manual backup', async () => {
    const { dir, cleanup } = tempDir('ba-demo-');
    try {
      const run = await runCli(['demo', '--dir', dir]);

      expect(run.code).toBe(0);
      for (const api of SIM_APIS) expect(run.stdout).toContain(api);
      expect(run.stdout.match(/^== cycle \d: .*$/gm)).toEqual([
        '== cycle 1: first audit',
        '== cycle 2: nothing changed',
        '== cycle 3: someone ran a manual backup of payments-db',
      ]);
      expect(run.stdout).toContain('polled 6 targets (1 failed)');
      expect(run.stdout).toMatch(/RESOLVED.*payments-db \/ recent-success/);
      // The final status: each story's alarm is there.
      const status = run.stdout.slice(run.stdout.indexOf('== status'));
      for (const line of [
        /analytics-db\s+failed-backup\s+ALARM/,
        /search-db\s+stuck-running\s+ALARM/,
        /inventory-db\s+size-anomaly\s+ALARM/,
        /legacy-db\s+target-missing\s+ALARM/,
        /orders-db\s+recent-success\s+OK/,
      ]) {
        expect(status).toMatch(line);
      }
      // Discovery: the database no target audits, the deleted one's target, and payments-db's automated backup switched off.
      expect(run.stdout).toContain('discovered 7 instances in 5 account services (0 failed)');
      expect(status.match(/^\S+(?=\s+(coverage|backup-policy)\s+ALARM)/gm)?.sort()).toEqual([
        'legacy-db',
        'payments-db',
        'uc-demo/upgsql/upgsql-reports01',
      ]);
      expect(status).toMatch(/payments-db\s+backup-policy\s+ALARM\s.*automated backup is off/);
      expect(status).toMatch(/search-db\s+backup-policy\s+SKIP/);
      expect(status).not.toContain('rr-bp1orders0001r');
      expect(run.stdout).toMatch(/ali-demo\/rds\/rr-bp1orders0001r\s+read replica of orders-db/);
      // Credentials live in secret files, never in the config.
      const config = readFileSync(join(dir, 'backup-auditor.yaml'), 'utf8');
      expect(config).toContain('{ file: ./secrets/ali-demo-accessKeySecret }');
      expect(config).toContain('signatureVersion: v3');
      expect(config).toContain('type: password');
      expect(config).toContain('discover: { autoTargets: false, regions: ["cn-bj2"] }');
      expect(config).not.toContain(readFileSync(join(dir, 'secrets', 'uc-demo-privateKey'), 'utf8').trim());
    } finally {
      cleanup();
    }
  });
});
