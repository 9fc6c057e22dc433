import { manualClock } from '../../src/core/clock.js';
import type { HuaweicloudAccount, OtcAccount } from '../../src/providers/huaweicloud/gateway-client.js';
import { Fleet, type HuaweiSim, type HuaweiSimOptions, huaweiCloudSim, type Simulator, startSimulator } from '../../src/simulator/index.js';

export const SIM_NOW = Date.parse('2026-03-01T06:00:00Z');
export const OTC_REGION = 'eu-de';
export const OTC_PROJECT = '0483b6b16e954cb88930a360d2c4e663';
export const OTC_AK = 'QTWAOYTTINDUT2QVKYUC';
export const OTC_SK = 'MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc';
export const OTC_LOGIN = { domain: 'acme', user: 'auditor', password: 'Otc-pass!word-42' } as const;
export const HW_REGION = 'ap-southeast-1';
export const HW_PROJECT = '77b6a44cba5143ab91d13ab9a8ff44fd';
export const HW_AK = 'HWSIMAKDDS0000000001';
export const HW_SK = 'hw-dds-secret-Zq8x7Lm0';
const HOUR = 3_600_000;

/**
 * A fleet with one OTC account (AK/SK and a password login) holding RDS instances, and one Huawei
 * Cloud account holding DDS instances (`id → number of daily backups`, newest ending an hour before
 * SIM_NOW; every tenth FAILED, sizes whole KiB so kB/KB convert exactly).
 */
export function huaweiFleet(instances: { rds?: Record<string, number>; dds?: Record<string, number> }): Fleet {
  const fleet = new Fleet();
  fleet.addAccount({ cloud: 'otc', accessKeyId: OTC_AK, accessKeySecret: OTC_SK, projectId: OTC_PROJECT, password: OTC_LOGIN });
  fleet.addAccount({ cloud: 'huaweicloud', accessKeyId: HW_AK, accessKeySecret: HW_SK, projectId: HW_PROJECT });
  const add = (cloud: 'otc' | 'huaweicloud', service: string, regionId: string, all: Record<string, number>): void => {
    for (const [id, count] of Object.entries(all)) {
      fleet.addInstance({ cloud, service, id, regionId, name: `${id}-name` });
      for (let day = 0; day < count; day++) {
        const startedAt = SIM_NOW - 2 * HOUR - day * 24 * HOUR;
        const failed = day % 10 === 3;
        fleet.addBackup(id, {
          status: failed ? 'FAILED' : 'COMPLETED',
          kind: 'full',
          mode: 'Automated',
          startedAt,
          endedAt: startedAt + HOUR,
          sizeBytes: failed ? 0 : (5_000 + day) * 1024,
        });
      }
    }
  };
  add('otc', 'rds', OTC_REGION, instances.rds ?? {});
  add('huaweicloud', 'dds', HW_REGION, instances.dds ?? {});
  return fleet;
}

export interface HuaweiTestSim {
  readonly sim: Simulator;
  readonly huawei: HuaweiSim;
  readonly clock: ReturnType<typeof manualClock>;
  readonly otcAksk: OtcAccount;
  readonly otcPassword: OtcAccount;
  readonly ddsAksk: HuaweicloudAccount;
}

/** A simulator on 127.0.0.1 serving only the OTC/Huawei APIs, on a clock the test controls, and accounts pointing at it. */
export async function huaweiSimulator(instances: Parameters<typeof huaweiFleet>[0], opts: HuaweiSimOptions = {}): Promise<HuaweiTestSim> {
  const clock = manualClock(SIM_NOW);
  const fleet = huaweiFleet(instances);
  const huawei = huaweiCloudSim(fleet, opts);
  const sim = await startSimulator({ fleet, clock, apis: huawei.apis });
  return {
    sim,
    huawei,
    clock,
    otcAksk: otcAkskAccount(sim.url),
    otcPassword: otcPasswordAccount(sim.url),
    ddsAksk: ddsAkskAccount(sim.url),
  };
}

/** The OTC account of the fleet at `endpoint`, signing with AK/SK (`secretKey` to try another). */
export function otcAkskAccount(endpoint: string, secretKey = OTC_SK): OtcAccount {
  return { cloud: 'otc', region: OTC_REGION, projectId: OTC_PROJECT, auth: { type: 'aksk', accessKey: OTC_AK, secretKey }, endpoint };
}

/** The OTC account of the fleet at `endpoint`, logging in with its IAM password (`password` to try another). */
export function otcPasswordAccount(endpoint: string, password: string = OTC_LOGIN.password): OtcAccount {
  return {
    cloud: 'otc',
    region: OTC_REGION,
    projectId: OTC_PROJECT,
    auth: { type: 'password', ...OTC_LOGIN, password },
    endpoint,
    iamEndpoint: endpoint,
  };
}

/** The Huawei Cloud (DDS) account of the fleet at `endpoint`, signing with AK/SK (`secretKey` to try another). */
export function ddsAkskAccount(endpoint: string, secretKey = HW_SK): HuaweicloudAccount {
  return { cloud: 'huaweicloud', region: HW_REGION, projectId: HW_PROJECT, auth: { type: 'aksk', accessKey: HW_AK, secretKey }, endpoint };
}
