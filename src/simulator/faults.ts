import { mulberry32 } from './prng.js';

/**
 * - `throttle`: the provider's own throttling answer (Alibaba: HTTP 400 `Throttling.User`);
 * - `server-error`: its 5xx (Alibaba: 503 `ServiceUnavailable`);
 * - `malformed`: the real answer cut in half, as a dropped connection through a proxy leaves it;
 * - `timeout`: no answer at all until the client gives up.
 */
export const FAULT_NAMES = ['throttle', 'server-error', 'malformed', 'timeout'] as const;
export type FaultName = (typeof FAULT_NAMES)[number];

/** Restricts a fault to one API (`aliyun/rds`) and/or one instance. */
export interface FaultScope {
  readonly api?: string | undefined;
  readonly instance?: string | undefined;
}

/** Background failure rates, each in [0, 1], drawn from a seeded PRNG so a run can be replayed. */
export interface FaultRates {
  readonly throttleRate?: number;
  readonly errorRate?: number;
  readonly malformedRate?: number;
  readonly seed?: number;
}

/** Initial fault settings for `startSimulator`. */
export interface FaultSettings {
  readonly latencyMs?: number;
  readonly rates?: FaultRates;
}

interface QueuedFault extends FaultScope {
  readonly fault: FaultName;
  remaining: number;
}

/** What `POST /_sim/faults` answers with. */
export interface FaultsState {
  readonly latencyMs: number;
  readonly queued: readonly (FaultScope & { fault: FaultName; remaining: number })[];
  readonly rates: Required<Omit<FaultRates, 'seed'>>;
  readonly injected: Readonly<Record<FaultName, number>>;
}

/**
 * The simulator's fault plan. Queued faults (`failNext`) are used first, in the order they were
 * added; when none applies, the background rates decide. Mutable at any time, from the test
 * process or through the control API.
 */
export class Faults {
  /** Added before every provider answer, faults included. */
  latencyMs = 0;
  readonly #queue: QueuedFault[] = [];
  #rates = { throttleRate: 0, errorRate: 0, malformedRate: 0 };
  #random: () => number = mulberry32(1);
  readonly #injected: Record<FaultName, number> = { throttle: 0, 'server-error': 0, malformed: 0, timeout: 0 };

  constructor(settings: FaultSettings = {}) {
    this.latencyMs = settings.latencyMs ?? 0;
    if (settings.rates) this.setRates(settings.rates);
  }

  /** The next `count` matching requests fail with `fault`. */
  failNext(count: number, fault: FaultName, scope: FaultScope = {}): this {
    if (!Number.isInteger(count) || count < 1) throw new Error(`simulator: fault count must be a positive integer, got ${count}`);
    this.#queue.push({ fault, remaining: count, api: scope.api, instance: scope.instance });
    return this;
  }

  /** Replaces the background rates; a given seed restarts the random sequence. */
  setRates(rates: FaultRates): this {
    const { throttleRate = 0, errorRate = 0, malformedRate = 0 } = rates;
    for (const [name, value] of Object.entries({ throttleRate, errorRate, malformedRate })) {
      if (!(value >= 0 && value <= 1)) throw new Error(`simulator: ${name} must be within [0, 1], got ${value}`);
    }
    if (throttleRate + errorRate + malformedRate > 1) throw new Error('simulator: fault rates add up to more than 1');
    this.#rates = { throttleRate, errorRate, malformedRate };
    if (rates.seed !== undefined) this.#random = mulberry32(rates.seed);
    return this;
  }

  /** No latency, no queued faults, no background rates. */
  clear(): this {
    this.latencyMs = 0;
    this.#queue.length = 0;
    this.#rates = { throttleRate: 0, errorRate: 0, malformedRate: 0 };
    return this;
  }

  /** Decides the fault for one provider request (consuming a queued one), or undefined to answer normally. */
  pick(api: string, instance: string | undefined): FaultName | undefined {
    const index = this.#queue.findIndex(
      (q) => (q.api === undefined || q.api === api) && (q.instance === undefined || q.instance === instance),
    );
    const queued = this.#queue[index];
    let fault: FaultName | undefined;
    if (queued) {
      fault = queued.fault;
      if (--queued.remaining === 0) this.#queue.splice(index, 1);
    } else {
      fault = this.#roll();
    }
    if (fault) this.#injected[fault]++;
    return fault;
  }

  /** A copy of the current plan and how many faults were injected so far. */
  state(): FaultsState {
    return {
      latencyMs: this.latencyMs,
      queued: this.#queue.map((q) => ({ ...q })),
      rates: { ...this.#rates },
      injected: { ...this.#injected },
    };
  }

  #roll(): FaultName | undefined {
    const { throttleRate, errorRate, malformedRate } = this.#rates;
    if (throttleRate + errorRate + malformedRate === 0) return undefined; // keep the sequence for when rates are set
    const r = this.#random();
    if (r < throttleRate) return 'throttle';
    if (r < throttleRate + errorRate) return 'server-error';
    if (r < throttleRate + errorRate + malformedRate) return 'malformed';
    return undefined;
  }
}
