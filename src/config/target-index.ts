import type { Config, TargetConfig } from './schema.js';

const positions = new WeakMap<Config['targets'], ReadonlyMap<string, number>>();

/**
 * A target of the config by id, from an index built once per targets list (a loaded config never
 * changes; a reload or a discovery makes a new one). Every poll job looks its target up: a scan of the
 * list would make each tick quadratic in the fleet's size.
 */
export function targetById(config: Pick<Config, 'targets'>, id: string): TargetConfig | undefined {
  const i = targetPosition(config, id);
  return i === undefined ? undefined : config.targets[i];
}

/** Where a target is in the config's list (its `targets[i]`), by id, from an index built once per list. */
export function targetPosition(config: Pick<Config, 'targets'>, id: string): number | undefined {
  let index = positions.get(config.targets);
  if (!index) {
    index = new Map(config.targets.map((t, i) => [t.id, i]));
    positions.set(config.targets, index);
  }
  return index.get(id);
}

/**
 * Targets in round-robin order of their accounts. Polls wait for their account's rate limit while
 * holding a worker slot; enqueued account by account, the first account's targets would fill every
 * slot and the other accounts would wait behind its limit instead of polling in parallel.
 */
export function interleaveByAccount(targets: readonly TargetConfig[]): TargetConfig[] {
  const byAccount = new Map<string, TargetConfig[]>();
  for (const t of targets) {
    const lane = byAccount.get(t.account);
    if (lane) lane.push(t);
    else byAccount.set(t.account, [t]);
  }
  const lanes = [...byAccount.values()];
  const out: TargetConfig[] = [];
  for (let i = 0; out.length < targets.length; i++) for (const lane of lanes) if (lane[i]) out.push(lane[i] as TargetConfig);
  return out;
}
