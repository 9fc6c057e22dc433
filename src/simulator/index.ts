/** The provider simulator: a local HTTP server for tests, benchmarks and `demo`. */
export { startSimulator, defaultApis, type Simulator, type SimulatorOptions } from './server.js';
export { Fleet, type FleetSnapshot, type SimAccount, type SimBackup, type SimBackupInput, type SimCloud, type SimInstance, type SimInstanceInput, type SimRateLimit } from './fleet.js';
export { seededFleet, seededSpec, SEEDED_ACCOUNT, type SeededFleetOptions } from './seeded-fleet.js';
export { buildFleet, checkFleetSpec, providerStatus, specTargets, GENERIC_STATUSES, SIM_APIS, type FleetSpec, type GenericStatus, type SimApiId, type SpecAccount, type SpecInstance, type SpecTarget } from './fleet-spec.js';
export { mixedFleet, STORIES, type MixedFleetOptions, type Story } from './mixed-fleet.js';
export { loadFleetFile, parseFleetFile } from './fleet-file.js';
export { simulatorConfig, type SecretField, type SimConfigOptions } from './sim-config.js';
export { AccountRateLimiter } from './rate-limits.js';
export { Faults, FAULT_NAMES, type FaultName, type FaultRates, type FaultScope, type FaultSettings, type FaultsState } from './faults.js';
export { RequestLog, type SimRequestRecord } from './request-log.js';
export { mulberry32 } from './prng.js';
export { aliyunRdsApi } from './aliyun.js';
export { ucloudTidbApi, ucloudUpgsqlApi, type TidbShape, type UcloudTidbOptions, type UcloudUpgsqlOptions, type UpgsqlListKey } from './ucloud.js';
export { huaweiCloudSim, type HuaweiSim, type HuaweiSimOptions } from './huawei.js';
export { SimTokenStore, DEFAULT_TOKEN_TTL_MS, type SimToken } from './huawei-iam.js';
export type { SimApi, SimEnv, SimRequest, SimResponse, ProviderFault } from './api.js';
