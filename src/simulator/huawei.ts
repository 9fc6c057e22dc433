import type { SimApi } from './api.js';
import type { Fleet } from './fleet.js';
import { gatewayBackupsApi } from './huawei-gateway.js';
import { huaweiIamApi, SimTokenStore } from './huawei-iam.js';

export interface HuaweiSimOptions {
  /** Lifetime of issued tokens; default 24 h as IAM's. Short values let tests see tokens expire. */
  readonly tokenTtlMs?: number;
}

/** The simulated IAM and gateway APIs, and the token store they share (tests revoke tokens through it). */
export interface HuaweiSim {
  readonly apis: readonly SimApi[];
  readonly tokens: SimTokenStore;
}

/**
 * OTC and Huawei Cloud behind one simulator address: IAM `POST /v3/auth/tokens` (`huaweicloud/iam`),
 * DDS `GET /v3/{project_id}/backups` (`huaweicloud/dds`) and OTC RDS on the same path (`otc/rds`),
 * routed by the caller's credential (see `gatewayBackupsApi`). Bound to `fleet` because routing
 * happens before a handler runs and needs the accounts.
 */
export function huaweiCloudSim(fleet: Fleet, opts: HuaweiSimOptions = {}): HuaweiSim {
  const tokens = new SimTokenStore();
  const apis = [
    huaweiIamApi(fleet, tokens, opts.tokenTtlMs === undefined ? {} : { tokenTtlMs: opts.tokenTtlMs }),
    gatewayBackupsApi('huaweicloud/dds', fleet, tokens),
    gatewayBackupsApi('otc/rds', fleet, tokens),
  ];
  return { apis, tokens };
}
