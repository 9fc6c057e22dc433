import { setFlagsFromString } from 'node:v8';

/** How far past what it holds a long-running process's heap may grow before a full collection. */
const HEAP_GROWING_PERCENT = 50;

/**
 * Bounds how far V8 lets the heap of `start` and `worker` grow past what is live: 1.5×. V8 picks up
 * to 4× when the process may use gigabytes, and its limit follows the machine's memory, not what the
 * process holds: a daemon then kept a heap four times whatever a moment of its start (the config
 * being read) or of a scan held. A daemon runs for weeks and its resident memory is what an operator
 * provisions; the full collections this adds are short at that size and mostly run on V8's helper
 * threads. Called before the config is read, so its reading is bounded too; V8 reads the flag at
 * every collection.
 */
export function boundHeapGrowth(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
