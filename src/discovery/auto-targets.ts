import type { LoadedConfig } from '../config/load.js';
import type { Config, TargetConfig } from '../config/schema.js';
import type { Db } from '../db/client.js';
import { type StoredInstance, storedInstances } from '../db/discovery.js';
import { exclusionOf } from './coverage.js';

/** The stable id of a discovered instance: what its auto-target, or its coverage finding, is called. */
export const instanceTargetId = (account: string, service: string, instance: string): string => `${account}/${service}/${instance}`;

const TARGET_ID = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/;

/**
 * The targets `discover:` generates from stored discovery at `now`: one per current primary instance
 * of a discovering account with `autoTargets` on, in a listed service, not excluded, and not already
 * covered by an explicit target of the same instance (explicit targets win). Each is labelled with the
 * instance's provider tags and `discover.labels`, so defaults and label profiles apply as to any target.
 */
export function autoTargets(
  config: Pick<Config, 'accounts' | 'targets'>,
  instances: readonly StoredInstance[],
  now: number,
): TargetConfig[] {
  const explicit = new Set(config.targets.map((t) => `${t.account}\0${t.service}\0${t.instance}`));
  const ids = new Set(config.targets.map((t) => t.id));
  const out: TargetConfig[] = [];
  for (const i of instances) {
    const discover = config.accounts[i.account]?.discover;
    if (!discover?.autoTargets || i.replica) continue;
    if (discover.services.length > 0 && !discover.services.includes(i.service)) continue;
    if (i.firstSeenAt > now || (i.goneAt !== null && i.goneAt <= now)) continue;
    if (explicit.has(`${i.account}\0${i.service}\0${i.instance}`) || exclusionOf(config, i.account, i) !== undefined) continue;
    const id = instanceTargetId(i.account, i.service, i.instance);
    if (ids.has(id) || !TARGET_ID.test(id)) continue;
    out.push({
      id,
      account: i.account,
      service: i.service,
      instance: i.instance,
      ...(i.region !== null && { region: i.region }),
      ...(i.zone !== null && { zone: i.zone }),
      labels: { ...i.tags, ...discover.labels },
      rules: {},
    });
  }
  return out;
}

/**
 * The loaded config with its auto-targets added, as of `now`: what every command that polls, judges or
 * reports works on. Unchanged (the same object) when no account generates targets.
 */
export function withAutoTargets(loaded: LoadedConfig, db: Db, now: number): LoadedConfig {
  const { config } = loaded;
  if (!Object.values(config.accounts).some((a) => a.discover?.autoTargets)) return loaded;
  const generated = autoTargets(config, storedInstances(db), now);
  if (generated.length === 0) return loaded;
  return Object.freeze({ ...loaded, config: Object.freeze({ ...config, targets: [...config.targets, ...generated] }) });
}
