import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { PipelineEvents } from '../../jobs/deps.js';

/** The daemon's Prometheus metrics, on a registry of its own (no process-wide default registry). */
export interface DaemonMetrics {
  readonly registry: Registry;
  readonly polls: Counter<'outcome'>;
  readonly pollDuration: Histogram;
  readonly evaluations: Counter<'state'>;
  readonly notifications: Counter<'channel' | 'outcome'>;
  /** Set on each scrape from the database (owner only). */
  readonly findings: Gauge<'state'>;
  readonly queueDepth: Gauge<'queue' | 'state'>;
  /** Writes the database refused (disk full, read-only, locked), by cause. */
  readonly storeWriteFailures: Counter<'cause'>;
}

export function createMetrics(): DaemonMetrics {
  const registry = new Registry();
  return {
    registry,
    polls: new Counter({
      name: 'backup_auditor_polls_total',
      help: 'Polls by outcome (ok, skipped, or the error kind)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    pollDuration: new Histogram({
      name: 'backup_auditor_poll_duration_seconds',
      help: 'Wall time of one poll, all pages',
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers: [registry],
    }),
    evaluations: new Counter({
      name: 'backup_auditor_rule_evaluations_total',
      help: 'Rule evaluations by resulting state',
      labelNames: ['state'],
      registers: [registry],
    }),
    notifications: new Counter({
      name: 'backup_auditor_notifications_total',
      help: 'Notification items by channel and outcome (sent, retry, failed)',
      labelNames: ['channel', 'outcome'],
      registers: [registry],
    }),
    findings: new Gauge({
      name: 'backup_auditor_findings',
      help: 'Current findings by state',
      labelNames: ['state'],
      registers: [registry],
    }),
    storeWriteFailures: new Counter({
      name: 'backup_auditor_store_write_failures_total',
      help: 'Database writes refused (disk full, read-only, locked, I/O error), by cause',
      labelNames: ['cause'],
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: 'backup_auditor_queue_jobs',
      help: 'Jobs per queue and state',
      labelNames: ['queue', 'state'],
      registers: [registry],
    }),
  };
}

/** The pipeline's events counted in the daemon's metrics; what remote workers count, nobody scrapes. */
export function metricsEvents(m: DaemonMetrics): PipelineEvents {
  return {
    pollStarted: () => {},
    polled: (s) => {
      m.polls.inc({ outcome: s.ok ? 'ok' : (s.errorKind ?? 'error') });
      m.pollDuration.observe(s.durationMs / 1000);
    },
    pollSkipped: () => m.polls.inc({ outcome: 'skipped' }),
    evaluated: (s) => {
      for (const [state, n] of Object.entries(s.byState)) m.evaluations.inc({ state }, n);
    },
    discovered: () => {},
    settled: (channel, verdict, items) => m.notifications.inc({ channel, outcome: verdict }, items),
  };
}
