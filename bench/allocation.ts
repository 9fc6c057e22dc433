import type { HeapProfiler } from 'node:inspector';
import { Session } from 'node:inspector/promises';

/**
 * Bytes allocated on the JS heap while `fn` runs, estimated by V8's sampling heap profiler with
 * objects later collected by minor and major GCs kept in the profile: allocation volume, which
 * includes garbage, unlike a heapUsed delta that depends on when GC happens to run. Buffers outside
 * the JS heap (socket reads) are not counted. The profiler slows `fn`, so never time it in the same run.
 */
export async function allocatedBytes(fn: () => Promise<unknown>, samplingIntervalBytes = 1024): Promise<number> {
  const session = new Session();
  session.connect();
  try {
    await session.post('HeapProfiler.enable');
    await session.post('HeapProfiler.startSampling', {
      samplingInterval: samplingIntervalBytes,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    } as HeapProfiler.StartSamplingParameterType);
    await fn();
    const { profile } = await session.post('HeapProfiler.stopSampling');
    return totalSelfSize(profile.head);
  } finally {
    await session.post('HeapProfiler.disable').catch(() => undefined);
    session.disconnect();
  }
}

function totalSelfSize(node: HeapProfiler.SamplingHeapProfileNode): number {
  let sum = node.selfSize;
  for (const child of node.children) sum += totalSelfSize(child);
  return sum;
}
