import { Fleet, startSimulator } from '../src/simulator/index.js';

// The simulator for the client-overhead figure, in its own process: the server's work then runs on
// the other core and stays out of the client process's CPU time and heap, which are what is compared.
// Prints one JSON line `{url, instance, regionId, accessKeyId, accessKeySecret}`; exits when stdin closes.

const DAY = 86_400_000;
const CLIENT_BENCH_ACCOUNT = { accessKeyId: 'LTAI5tClientBench0001', accessKeySecret: 'client-bench-secret-0001' } as const;

const backups = Number(process.argv[2] ?? '1000');
if (!Number.isInteger(backups) || backups < 1) throw new Error(`usage: simulator-process.ts <backups>, got ${process.argv[2]}`);

const fleet = new Fleet();
fleet.addAccount({ cloud: 'aliyun', ...CLIENT_BENCH_ACCOUNT });
const instance = 'rm-clientbench0001';
const regionId = 'cn-hangzhou';
const today = Math.floor(Date.now() / DAY) * DAY;
fleet.addInstance({
  cloud: 'aliyun',
  service: 'rds',
  id: instance,
  regionId,
  backups: Array.from({ length: backups }, (_, d) => {
    const startedAt = today - (d + 1) * DAY + 2 * 3_600_000 + ((d * 7_919) % 3_600) * 1000;
    const failed = d % 20 === 7;
    return {
      status: failed ? 'Failed' : 'Success',
      kind: 'full' as const,
      mode: 'Automated' as const,
      method: 'Physical' as const,
      startedAt,
      endedAt: startedAt + 20 * 60_000,
      sizeBytes: failed ? 0 : 80 * 1024 ** 3 - d * 1_000_000,
    };
  }),
});
// The real clock: the official SDKs stamp requests with the wall time and cannot be given another.
const sim = await startSimulator({ fleet });
process.stdout.write(`${JSON.stringify({ url: sim.url, instance, regionId, ...CLIENT_BENCH_ACCOUNT })}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  void sim.close().then(() => process.exit(0));
});
