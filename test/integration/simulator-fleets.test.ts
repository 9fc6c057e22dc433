import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { manualClock, systemClock } from '../../src/clock.js';
import { buildFleet, mixedFleet, parseFleetFile, simulatorConfig, specTargets, startSimulator, STORIES, SIM_APIS, type Simulator } from '../../src/simulator/index.js';
import { runCli, tempDir } from '../helpers/cli.js';

const NOW = Date.parse('2026-03-01T06:00:00Z');
const H = 3_600_000;
const GIB = 1024 ** 3;

describe('the generated mix', () => {
  it('is the same for the same seed and differs for another', () => {
    expect(mixedFleet({ seed: 5, now: NOW })).toEqual(mixedFleet({ seed: 5, now: NOW }));
    expect(mixedFleet({ seed: 6, now: NOW })).not.toEqual(mixedFleet({ seed: 5, now: NOW }));
  });

  it('gives every API every story, tagged with the rule it should trip, and accounts for every cloud', () => {
    const spec = mixedFleet({ seed: 1, now: NOW });

    expect(spec.accounts.map((a) => a.cloud).sort()).toEqual(['aliyun', 'huaweicloud', 'otc', 'ucloud']);
    for (const api of SIM_APIS) {
      const cloud = spec.accounts.find((a) => a.cloud === api.split('/')[0]);
      const mine = spec.instances.filter((i) => i.account === cloud?.name && i.service === api.split('/')[1]);
      expect(mine.map((i) => i.labels?.story)).toEqual([...STORIES]);
      expect(mine.every((i) => typeof i.story === 'string' && i.story.length > 0)).toBe(true);
    }
    const expectByStory = new Map(spec.instances.map((i) => [`${i.labels?.story}`, i.expect]));
    expect(expectByStory.get('missing')).toEqual(['target-missing']);
    expect(expectByStory.get('healthy')).toEqual([]);
  });

  it('leaves missing instances out of the simulator but keeps a target for each', () => {
    const spec = mixedFleet({ seed: 1, now: NOW, perApi: 7 });
    const fleet = buildFleet(spec);

    expect(specTargets(spec)).toHaveLength(35);
    expect(fleet.instances()).toHaveLength(35 - 5);
    expect(spec.instances.filter((i) => i.missing).every((i) => fleet.instance(i.id) === undefined)).toBe(true);
    expect(specTargets(spec).filter((t) => t.id.endsWith('-healthy-2'))).toHaveLength(5);
  });

  describe('polled by run-once', () => {
    let sim: Simulator | undefined;
    let cleanup: (() => void) | undefined;
    afterEach(async () => {
      await sim?.close();
      cleanup?.();
    });

    it('raises exactly the alarms each instance is tagged with, through a config the simulator wrote', async () => {
      const spec = mixedFleet({ seed: 2, now: systemClock() });
      sim = await startSimulator({ fleet: buildFleet(spec) });
      const temp = tempDir('ba-mix-');
      cleanup = temp.cleanup;
      const config = join(temp.dir, 'sim.yaml');
      writeFileSync(config, simulatorConfig(spec, { url: sim.url }));

      const validate = await runCli(['--config', config, 'validate']);
      const run = await runCli(['--config', config, 'run-once']);
      const status = await runCli(['--config', config, 'status', '--json']);

      expect(validate.code).toBe(0);
      expect(run.code).toBe(1);
      const alarms = (JSON.parse(status.stdout) as { target: string; rule: string; state: string }[]).filter((f) => f.state === 'alarm').map((f) => `${f.target}/${f.rule}`);
      const expected = specTargets(spec).flatMap((t) => (t.expect ?? []).map((rule) => `${t.id}/${rule}`));
      expect(alarms.sort()).toEqual(expected.sort());
      expect(expected).toHaveLength(25);
    });
  });
});

describe('the fleet file', () => {
  const file = `
accounts:
  - { name: ali, cloud: aliyun, region: cn-hangzhou, accessKeyId: LTAI5tFile, accessKeySecret: s3cret, rateLimit: { perSecond: 5, burst: 10 } }
  - { name: hw, cloud: huaweicloud, region: ap-southeast-1, projectId: p1, accessKeyId: HWAK, accessKeySecret: HWSK }
instances:
  - id: rm-1
    account: ali
    service: rds
    target: orders
    expect: [failed-backup]
    backups:
      - { status: failed, startedAt: now-3h, size: 0 }
      - { status: Success, startedAt: "2026-02-28T01:00:00Z", endedAt: 1772243400000, size: 1.5GiB, mode: Manual }
    series:
      - { every: 24h, count: 3, lastEnd: now-20h, duration: 40m, size: 5GiB }
  - { id: dds-1, account: hw, service: dds, series: [{ count: 1, lastEnd: now-1h, size: 300MiB, status: running }] }
  - { id: rm-gone, account: ali, service: rds, missing: true }
`;

  it('reads relative and absolute instants, sizes with units, series, and generic status words in each API\u2019s own', () => {
    const fleet = buildFleet(parseFleetFile(file, NOW));

    const backups = fleet.instance('rm-1')?.backups ?? [];
    expect(backups.map((b) => [b.status, b.startedAt, b.endedAt, b.sizeBytes, b.mode])).toEqual([
      ['Failed', NOW - 3 * H, NOW - 3 * H + 30 * 60_000, 0, 'Automated'],
      ['Success', NOW - 20 * H - 40 * 60_000, NOW - 20 * H, 5 * GIB, 'Automated'],
      ['Success', Date.parse('2026-02-28T01:00:00Z'), 1772243400000, 1.5 * GIB, 'Manual'],
      ['Success', NOW - 44 * H - 40 * 60_000, NOW - 44 * H, 5 * GIB, 'Automated'],
      ['Success', NOW - 68 * H - 40 * 60_000, NOW - 68 * H, 5 * GIB, 'Automated'],
    ]);
    expect(fleet.instance('dds-1')?.backups.map((b) => b.status)).toEqual(['BUILDING']);
    expect(fleet.instance('rm-gone')).toBeUndefined();
    expect(fleet.snapshot().accounts[0]).toEqual({ cloud: 'aliyun', accessKeyId: 'LTAI5tFile', rateLimit: { perSecond: 5, burst: 10 } });
  });

  it('can start from the generated mix and add to it', () => {
    const spec = parseFleetFile(`mix: { seed: 3, perApi: 1 }\ninstances:\n  - { id: rm-extra, account: ali-sim, service: rds, backups: [] }\n`, NOW);

    expect(spec.instances.map((i) => i.id)).toContain('rm-extra');
    expect(spec.instances).toHaveLength(6);
  });

  it('names every problem it finds', () => {
    const bad = `
accounts:
  - { name: ali, cloud: aliyun, region: cn-hangzhou, accessKeyId: K, accessKeySecret: S }
instances:
  - { id: a, account: nobody, service: rds }
  - { id: b, account: ali, service: upgsql }
  - { id: c, account: ali, service: rds, backups: [{ status: running, startedAt: now-1h }] }
`;
    expect(() => parseFleetFile(bad, NOW)).toThrow(/instance a: no account named nobody[\s\S]*instance b: aliyun has no service upgsql[\s\S]*instance c: aliyun\/rds has no word for a running backup/);
    expect(() => parseFleetFile('instances:\n  - { id: x, account: a, service: rds, backups: [{ status: failed, startedAt: yesterday, size: 2GB }] }\n', NOW)).toThrow(
      /"yesterday" is not an instant[\s\S]*"2GB" is not a size/,
    );
  });

  it('makes `simulate` exit 2 without serving when the file is wrong, or when a seed is given too', async () => {
    const { dir, cleanup } = tempDir('ba-fleet-');
    try {
      writeFileSync(join(dir, 'bad.yaml'), 'instances:\n  - { id: a, account: nobody, service: rds }\n');

      const bad = await runCli(['simulate', '--fleet', 'bad.yaml'], { cwd: dir });
      const both = await runCli(['simulate', '--fleet', 'bad.yaml', '--seed', '3'], { cwd: dir });

      expect(bad).toMatchObject({ code: 2, stdout: '' });
      expect(bad.stderr).toContain('instance a: no account named nobody');
      expect(both.code).toBe(2);
      expect(both.stderr).toContain('give --fleet FILE or --seed N, not both');
    } finally {
      cleanup();
    }
  });
});

describe('per-account rate limits', () => {
  let sim: Simulator | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  it('are set and lifted over the control API, and answer over-limit requests with the provider\u2019s throttling error', async () => {
    const clock = manualClock(NOW);
    sim = await startSimulator({ fleet: buildFleet(parseFleetFile(file2, NOW)), clock });
    const set = await fetch(`${sim.url}/_sim/accounts/LTAI5tLimited/rate-limit`, { method: 'PUT', body: JSON.stringify({ perSecond: 1, burst: 2 }) });
    const call = async () => (await fetch(`${sim?.url}/?Action=DescribeBackups&AccessKeyId=LTAI5tLimited&SignatureMethod=HMAC-SHA1`)).json() as Promise<{ Code: string }>;

    const codes = [(await call()).Code, (await call()).Code, (await call()).Code];
    clock.advance(1_000);
    const afterASecond = (await call()).Code;
    await fetch(`${sim.url}/_sim/accounts/LTAI5tLimited/rate-limit`, { method: 'DELETE' });
    const lifted = [(await call()).Code, (await call()).Code];
    const counts = (await (await fetch(`${sim.url}/_sim/requests`)).json()) as { rateLimited: number; rateLimitedByAccount: Record<string, number> };

    expect(await set.json()).toEqual({ cloud: 'aliyun', accessKeyId: 'LTAI5tLimited', rateLimit: { perSecond: 1, burst: 2 } });
    // Unsigned requests: within the quota they reach authentication and fail there.
    expect(codes).toEqual(['IncompleteSignature', 'IncompleteSignature', 'Throttling.User']);
    expect(afterASecond).toBe('IncompleteSignature');
    expect(lifted).toEqual(['IncompleteSignature', 'IncompleteSignature']);
    expect(counts).toMatchObject({ rateLimited: 1, rateLimitedByAccount: { LTAI5tLimited: 1 } });
  });
});

const file2 = `
accounts:
  - { name: ali, cloud: aliyun, region: cn-hangzhou, accessKeyId: LTAI5tLimited, accessKeySecret: s3cret-limited }
instances: []
`;
