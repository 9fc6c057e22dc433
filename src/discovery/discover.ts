import type { AccountConfig } from '../config/schema.js';
import { SERVICES_BY_CLOUD } from '../config/schema.js';
import { AuditorError, errorMessage } from '../core/errors.js';
import type { Registry } from '../core/registry.js';
import type { Db } from '../db/client.js';
import { type DiscoveryOutcome, recordDiscovery } from '../db/discovery.js';
import type { BackupPolicy, PolicyUnavailable } from '../domain/policy.js';
import { type ProviderDeps, providerContext } from '../providers/context.js';
import type { InstanceSource } from '../providers/discovery-types.js';
import { instanceSources } from '../providers/instances-registry.js';

/** One (account, service) discovery as a summary line. */
export interface DiscoverySummary {
  readonly account: string;
  readonly service: string;
  readonly ok: boolean;
  readonly instances: number;
  readonly error?: string;
}

/** The deps discovery uses; `instanceSources` defaults to every adapter. */
export interface DiscoverDeps extends ProviderDeps {
  readonly db: Db;
  readonly instanceSources?: Registry<InstanceSource>;
  /** Waits for the account's rate limit before each request (the daemon shares it with the polls). */
  readonly throttle?: (account: string) => Promise<void>;
}

/** The accounts with a `discover:` option, by name. */
export function discoveringAccounts(deps: Pick<ProviderDeps, 'loaded'>): [string, AccountConfig][] {
  return Object.entries(deps.loaded.config.accounts).filter(([, a]) => a.discover !== undefined);
}

/**
 * Lists every configured service of an account, reads the backup policy of each primary instance
 * whose listing did not carry a complete one, and records each service's result in one transaction.
 * Never throws: a failure is recorded as a failed run and returned in its summary.
 */
export async function discoverAccount(deps: DiscoverDeps, accountName: string): Promise<DiscoverySummary[]> {
  const account = deps.loaded.config.accounts[accountName];
  if (!account?.discover) return [];
  const services = account.discover.services.length > 0 ? account.discover.services : SERVICES_BY_CLOUD[account.cloud];
  const scope = { regions: account.discover.regions };
  const { throttle } = deps;
  const ctx = providerContext(deps, { account: accountName }, throttle && (() => throttle(accountName)));
  const sources = deps.instanceSources ?? (instanceSources as Registry<InstanceSource>);
  const out: DiscoverySummary[] = [];
  for (const service of services) {
    const startedAt = deps.clock();
    let outcome: DiscoveryOutcome;
    try {
      const source = sources.get(`${account.cloud}/${service}`);
      const instances = await source.list(account, accountName, scope, ctx);
      const policies = new Map<string, BackupPolicy | PolicyUnavailable>();
      for (const i of instances) {
        if (i.replica) continue; // replicas are not backed up themselves; their primary's policy is what counts
        const listed = i.policy;
        if (listed && ('unavailable' in listed || listed.weekdays !== null)) {
          policies.set(i.instance, listed);
          continue;
        }
        try {
          policies.set(i.instance, await source.policy(account, accountName, i, ctx));
        } catch (err) {
          // The list's partial policy is better than none; the failure is kept as the reason otherwise.
          policies.set(i.instance, listed ?? { unavailable: `reading the policy failed: ${errorMessage(err)}`, failed: true });
        }
      }
      outcome = { ok: true, instances, policies };
    } catch (err) {
      outcome = { ok: false, errorKind: err instanceof AuditorError ? err.kind : 'internal', errorMessage: errorMessage(err) };
    }
    recordDiscovery(deps.db, { account: accountName, service, startedAt, finishedAt: deps.clock() }, outcome);
    if (!outcome.ok) deps.log.warn({ account: accountName, service, error: outcome.errorMessage }, 'discovery failed');
    out.push({
      account: accountName,
      service,
      ok: outcome.ok,
      instances: outcome.ok ? outcome.instances.length : 0,
      ...(!outcome.ok && { error: `${outcome.errorKind}: ${outcome.errorMessage}` }),
    });
  }
  return out;
}

/** Discovers every account with a `discover:` option, one after the other (rate limits are per account). */
export async function discoverAll(deps: DiscoverDeps): Promise<DiscoverySummary[]> {
  const out: DiscoverySummary[] = [];
  for (const [name] of discoveringAccounts(deps)) out.push(...(await discoverAccount(deps, name)));
  return out;
}
