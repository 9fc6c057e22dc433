import type { PipelineEvents } from '../../jobs/deps.js';
import type { Clock } from '../core/clock.js';
import { type HeartbeatDeps, pingHeartbeat } from '../notify/heartbeat.js';

/**
 * What the daemon knows of its poll cycles (a tick's polls, from enqueue to their results): when the
 * last one completed, for /healthz, and a heartbeat ping at each start and end.
 */
export interface CycleWatch {
  /** The poll tick of `schedule` enqueued these targets for `slot`. */
  begin(schedule: string, slot: string, targetIds: readonly string[]): void;
  /** When the newest cycle completed, epoch ms; undefined before the first. */
  lastCompletedAt(): number | undefined;
  /** The pipeline's events, passed on to `next`, with each poll's result counted against its cycle. */
  events(next: PipelineEvents): PipelineEvents;
}

interface OpenCycle {
  readonly slot: string;
  readonly total: number;
  readonly pending: Set<string>;
  readonly failures: string[];
}

/**
 * Follows each tick's polls to their results. A cycle completes when a poll of every target it
 * enqueued has been recorded; it is healthy when every poll saw its target, and then pings the
 * heartbeat's bare url, else `/fail` naming the blind targets. A cycle whose polls have not all come
 * back when its schedule ticks again is closed as failed: a poll that never reports, or a slot skipped
 * because the target's previous poll still ran, means the target was not seen at that tick.
 */
export function cycleWatch(deps: HeartbeatDeps & { readonly clock: Clock }): CycleWatch {
  const open = new Map<string, OpenCycle>();
  const bySlot = new Map<string, OpenCycle[]>();
  let last: number | undefined;

  const close = (schedule: string, cycle: OpenCycle, missing: readonly string[] = []): void => {
    open.delete(schedule);
    const list = bySlot.get(cycle.slot)?.filter((c) => c !== cycle) ?? [];
    if (list.length > 0) bySlot.set(cycle.slot, list);
    else bySlot.delete(cycle.slot);
    if (missing.length === 0) last = deps.clock();
    const blind = [...cycle.failures, ...missing.map((t) => `${t}: no poll result before the next tick`)];
    if (blind.length === 0) void pingHeartbeat(deps, 'success');
    else {
      const head = `cycle ${cycle.slot}: ${blind.length} of ${cycle.total} targets not seen; the auditor is blind to them`;
      void pingHeartbeat(deps, 'fail', [head, ...blind.slice(0, 20)].join('\n'));
    }
  };

  const settle = (slot: string | undefined, targetId: string, failure?: string): void => {
    if (slot === undefined) return;
    for (const cycle of bySlot.get(slot) ?? []) {
      if (!cycle.pending.delete(targetId)) continue;
      if (failure) cycle.failures.push(`${targetId}: ${failure}`);
      if (cycle.pending.size === 0) {
        for (const [schedule, c] of open) if (c === cycle) close(schedule, cycle);
      }
      return;
    }
  };

  return {
    begin(schedule, slot, targetIds) {
      const previous = open.get(schedule);
      if (previous) close(schedule, previous, [...previous.pending]);
      if (targetIds.length === 0) return;
      const cycle: OpenCycle = { slot, total: targetIds.length, pending: new Set(targetIds), failures: [] };
      open.set(schedule, cycle);
      bySlot.set(slot, [...(bySlot.get(slot) ?? []), cycle]);
      void pingHeartbeat(deps, 'start');
    },
    lastCompletedAt: () => last,
    events: (next) => ({
      ...next,
      polled: (s) => {
        next.polled(s);
        settle(s.slot, s.targetId, s.ok ? undefined : (s.error ?? 'poll failed'));
      },
    }),
  };
}
