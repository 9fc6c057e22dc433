/** The provider simulator: a local HTTP server for tests, benchmarks and `demo`. */

export { aliyunRdsApi } from './aliyun.js';
export { aliyunInstancesApi } from './aliyun-instances.js';
export type { ProviderFault, SimApi, SimEnv, SimRequest, SimResponse } from './api.js';
export { DEFAULT_SIM_POLICY, instanceInfo, type SimBackupPolicy, type SimInstanceInfo, setInstanceInfo } from './catalog-instances.js';
export { FAULT_NAMES, type FaultName, type FaultRates, type FaultScope, type FaultSettings, Faults, type FaultsState } from './faults.js';
export {
  Fleet,
  type FleetSnapshot,
  type SimAccount,
  type SimBackup,
  type SimBackupInput,
  type SimCloud,
  type SimInstance,
  type SimInstanceInput,
  type SimRateLimit,
} from './fleet.js';
export { loadFleetFile, parseFleetFile } from './fleet-file.js';
export {
  buildFleet,
  checkFleetSpec,
  type FleetSpec,
  GENERIC_STATUSES,
  type GenericStatus,
  providerStatus,
  SIM_APIS,
  type SimApiId,
  type SpecAccount,
  type SpecInstance,
  type SpecTarget,
  type SpecUntargeted,
  specTargets,
  specUntargeted,
} from './fleet-spec.js';
export { type HuaweiSim, type HuaweiSimOptions, huaweiCloudSim } from './huawei.js';
export { DEFAULT_TOKEN_TTL_MS, type SimToken, SimTokenStore } from './huawei-iam.js';
export { gatewayInstancesApi } from './huawei-instances.js';
export { type MixedFleetOptions, mixedFleet, STORIES, type Story } from './mixed-fleet.js';
export { mulberry32 } from './prng.js';
export { AccountRateLimiter } from './rate-limits.js';
export { RequestLog, type SimRequestRecord } from './request-log.js';
export { SEEDED_ACCOUNT, type SeededFleetOptions, seededFleet, seededSpec } from './seeded-fleet.js';
export { defaultApis, type Simulator, type SimulatorOptions, startSimulator } from './server.js';
export { type SecretField, type SimConfigOptions, simulatorConfig } from './sim-config.js';
export {
  type TidbShape,
  type UcloudTidbOptions,
  type UcloudUpgsqlOptions,
  type UpgsqlListKey,
  ucloudTidbApi,
  ucloudUpgsqlApi,
} from './ucloud.js';
export { ucloudInstancesApi } from './ucloud-instances.js';
