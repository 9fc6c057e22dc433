import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { type CliFleet, startCliFleet } from '../helpers/cli-fleet.js';

// An auditor that cannot see must say so: a refused credential alarms at the first poll, and a run
// that judged nothing does not exit 0.

describe('exit codes and alarms of a blind run', () => {
  let f: CliFleet | undefined;
  afterEach(async () => {
    await f?.close();
    f = undefined;
  });

  it('alarms poll-failing at the first run with a wrong access key, tells Slack, and exits 1', async () => {
    f = await startCliFleet();
    const fleet = f;
    const r = await runCli(['--config', fleet.config, 'run-once', '--json'], { env: { ...fleet.env, ALI_SK: 'not-the-secret' } });
    expect(r.code).toBe(1);
    const findings = JSON.parse(r.stdout) as { target: string; rule: string; state: string; reason: string }[];
    const pollFailing = findings.filter((x) => x.rule === 'poll-failing' && x.target !== 'pg-db');
    expect(pollFailing.map((x) => x.state)).toEqual(['alarm', 'alarm', 'alarm']);
    for (const x of pollFailing) {
      expect(x.reason).toContain('waiting will not fix it');
      expect(x.reason).toContain('auth SignatureDoesNotMatch');
      expect(x.reason).not.toContain('not-the-secret');
    }
    // The account with the right key is judged as usual.
    expect(findings.find((x) => x.target === 'pg-db' && x.rule === 'poll-failing')?.state).toBe('ok');
    const posted = fleet.slack.requests.map((q) => q.body).join('\n');
    expect(posted).toContain('poll-failing');
    expect(posted).toContain('payments-db');
    expect(posted).not.toContain('not-the-secret');
  });

  it('exits 4, not 0, when every poll failed for a reason that may pass and nothing alarms', async () => {
    f = await startCliFleet();
    f.sim.faults.setRates({ errorRate: 1 });
    const r = await f.cli('run-once', '--json');
    const findings = JSON.parse(r.stdout) as { rule: string; state: string }[];
    expect(findings.filter((x) => x.state === 'alarm')).toEqual([]);
    expect(findings.filter((x) => x.state === 'error').length).toBeGreaterThan(0);
    expect(r.code).toBe(4);
    // status reads the same findings back and says the same.
    expect((await f.cli('status')).code).toBe(4);
  });

  it('exits 4 from status before anything was ever recorded', async () => {
    f = await startCliFleet();
    const r = await f.cli('status');
    expect(r.stdout).toContain('no database yet');
    expect(r.code).toBe(4);
  });
});
