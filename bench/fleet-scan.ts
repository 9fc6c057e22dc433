import { Fleet } from '../src/simulator/index.js';
import { judge, mib, round, RssSampler, scaled, type FigureResult } from './harness.js';
import { HOUR, until, world } from './daemon-world.js';

// Figure 2: a fleet spread over the five simulated APIs, each account limited to 100 requests/s, every
// request taking 20 ms. The floor is what the rate limits allow: targets × pages ÷ total allowed rate.
// The daemon (embedded) must come close to it without any poll failing on throttling.

const PER_SECOND = 100;
const APIS = [
  { key: 'ali', cloud: 'aliyun', service: 'rds', region: 'cn-hangzhou' },
  { key: 'ucpg', cloud: 'ucloud', service: 'upgsql', region: 'cn-bj2', zone: 'cn-bj2-04' },
  { key: 'uctidb', cloud: 'ucloud', service: 'tidb', region: 'cn-bj2' },
  { key: 'otc', cloud: 'otc', service: 'rds', region: 'eu-de', project: '0483b6b16e954cb88930a360d2c4e663' },
  { key: 'hw', cloud: 'huaweicloud', service: 'dds', region: 'ap-southeast-1', project: '77b6a44cba5143ab91d13ab9a8ff44fd' },
] as const;

const STATUS: Record<string, string> = { aliyun: 'Success', ucloud: 'Success', otc: 'COMPLETED', huaweicloud: 'COMPLETED' };

export async function fleetScanFigure(scale: number): Promise<FigureResult> {
  const perApi = scaled(400, scale, 20);
  const now = Date.now();
  const fleet = new Fleet();
  for (const api of APIS) {
    fleet.addAccount({ cloud: api.cloud, accessKeyId: `AK${api.key.toUpperCase()}SCAN0001`, accessKeySecret: `sk-${api.key}-scan`, ...('project' in api && { projectId: api.project }) });
    for (let i = 0; i < perApi; i++) {
      fleet.addInstance({
        cloud: api.cloud, service: api.service, id: `${api.key}-${i}`, regionId: api.region, ...('zone' in api && { zone: api.zone }),
        backups: Array.from({ length: 10 }, (_, d) => ({ status: STATUS[api.cloud] as string, kind: 'full' as const, mode: 'Automated' as const, startedAt: now - d * 24 * HOUR - 2 * HOUR, endedAt: now - d * 24 * HOUR - HOUR, sizeBytes: 1024 ** 3 })),
      });
    }
  }
  const accountYaml = (api: (typeof APIS)[number], endpoint: string): string => {
    const rate = `rateLimit: { perSecond: ${PER_SECOND} }, endpoint: "${endpoint}"`;
    const ak = `AK${api.key.toUpperCase()}SCAN0001`;
    if (api.cloud === 'aliyun') return `  ${api.key}: { cloud: aliyun, regionId: ${api.region}, accessKeyId: ${ak}, accessKeySecret: sk-${api.key}-scan, ${rate} }`;
    if (api.cloud === 'ucloud') return `  ${api.key}: { cloud: ucloud, publicKey: ${ak}, privateKey: sk-${api.key}-scan, ${rate} }`;
    return `  ${api.key}: { cloud: ${api.cloud}, region: ${api.region}, projectId: ${'project' in api ? api.project : ''}, auth: { type: aksk, accessKey: ${ak}, secretKey: sk-${api.key}-scan }, ${rate}, iamEndpoint: "${endpoint}" }`;
  };
  const targets = APIS.flatMap((api) =>
    Array.from({ length: perApi }, (_, i) => `  - { id: ${api.key}-${i}, account: ${api.key}, service: ${api.service}, instance: ${api.key}-${i}${api.cloud === 'ucloud' ? `, region: ${api.region}` : ''}${'zone' in api ? `, zone: ${api.zone}` : ''} }`),
  );
  const w = await world(fleet, (endpoint) => `schedules: { poll: "0 0 1 1 *" }
accounts:
${APIS.map((a) => accountYaml(a, endpoint)).join('\n')}
targets:
${targets.join('\n')}
`);
  const rss = new RssSampler().start();
  try {
    w.sim.faults.latencyMs = 20;
    const owner = await w.startOwner({ pollConcurrency: 32 });
    const total = perApi * APIS.length;
    const t0 = Date.now();
    await owner.scheduler.pollAll('scan');
    await until(() => w.count(`SELECT COUNT(*) FROM poll_runs`) === total, 600_000, 50);
    const wall = (Date.now() - t0) / 1000;
    const failed = w.count(`SELECT COUNT(*) FROM poll_runs WHERE outcome != 'ok'`);
    const throttled = w.count(`SELECT COUNT(*) FROM poll_runs WHERE error_kind = 'throttled'`);
    const floor = total / (APIS.length * PER_SECOND); // one page each
    const peak = mib(rss.stop());
    const goal = { kind: 'ratio-max' as const, max: 1.15 };
    const { ratio, pass } = judge(goal, wall, floor);
    return {
      id: '2',
      name: 'Fleet scan: wall time / rate-limit floor (five APIs)',
      measured: { value: round(wall, 2), unit: 's', how: `${total} targets, 1 page each, 20 ms per request, embedded daemon, 32 polls at once` },
      baseline: { value: round(floor, 2), unit: 's', how: `floor: ${total} requests ÷ (${APIS.length} accounts × ${PER_SECOND}/s)` },
      ratio,
      goal,
      pass: pass && failed === 0 && peak < 256,
      note: `failed polls ${failed} (throttled ${throttled}); peak RSS ${peak} MiB (goal < 256, simulator in the same process)`,
      params: { targets: total, perApi, failedPolls: failed, throttled, peakRssMiB: peak },
    };
  } finally {
    rss.stop();
    await w.close();
  }
}
