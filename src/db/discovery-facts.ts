import type { CoverageFact, PolicyEvidence } from '../../rules/types.js';
import type { Config, TargetConfig } from '../config/schema.js';
import type { Db } from './client.js';
import { lastDiscovery, storedInstance, storedPolicy } from './discovery.js';

/** True when the target's account lists its instances (`discover:`): only then do discovery rules apply. */
export const isDiscovered = (config: Pick<Config, 'accounts'>, target: Pick<TargetConfig, 'account'>): boolean =>
  config.accounts[target.account]?.discover !== undefined;

/** Whether the newest successful discovery at or before `now` lists the target's instance. */
export function coverageFact(db: Db, target: TargetConfig, now: number): CoverageFact {
  const last = lastDiscovery(db, target.account, target.service, now);
  if (last === null) return { kind: 'not-discovered' };
  const row = storedInstance(db, target.account, target.service, target.instance);
  const listed = row !== null && row.firstSeenAt <= now && (row.goneAt === null || row.goneAt > now);
  return listed
    ? { kind: 'targeted', lastDiscoveryAt: last }
    : { kind: 'missing', lastDiscoveryAt: last, goneAt: row && row.firstSeenAt <= now ? row.goneAt : null };
}

/** The backup policy discovery read for the target's instance at or before `now`. */
export function policyEvidence(db: Db, config: Pick<Config, 'accounts'>, target: TargetConfig, now: number): PolicyEvidence {
  if (!isDiscovered(config, target)) return { kind: 'not-discovering' };
  const read = storedPolicy(db, target.account, target.service, target.instance);
  // Policies are kept as last read: an instant before that read has no policy on record.
  return read && read.readAt <= now ? { kind: 'read', readAt: read.readAt, policy: read.policy } : { kind: 'not-read' };
}
