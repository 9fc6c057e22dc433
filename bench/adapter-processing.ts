import { normalizeAliyunBackup } from '../src/providers/aliyun/normalize.js';
import { pageItems, parseDescribeBackupsPage } from '../src/providers/aliyun/schema.js';
import { allocatedBytes } from './allocation.js';
import { collectGarbage, median, round } from './harness.js';

export interface ProcessingCost {
  readonly cpuMsMedian: number;
  readonly allocatedMiBMedian: number;
}

/** CPU time (median of `runs`) and JS heap allocated (median of 3) of a synchronous step, after warm-ups. */
async function cost(step: () => void, runs: number): Promise<ProcessingCost> {
  for (let w = 0; w < 3; w++) step();
  const cpu: number[] = [];
  for (let r = 0; r < runs; r++) {
    collectGarbage();
    const before = process.cpuUsage();
    step();
    const used = process.cpuUsage(before);
    cpu.push((used.user + used.system) / 1000);
  }
  const allocated: number[] = [];
  for (let r = 0; r < 3; r++) {
    collectGarbage();
    allocated.push(await allocatedBytes(async () => step()));
  }
  return { cpuMsMedian: round(median(cpu), 2), allocatedMiBMedian: round(median(allocated) / 1024 / 1024, 2) };
}

/**
 * What our adapter does with pages already received, with no I/O: JSON.parse alone (the SDKs parse
 * too), and JSON.parse + zod validation + normalization with redaction (which the SDKs skip). The
 * difference is the price of returning checked, provider-independent records.
 */
export async function adapterProcessingCost(
  pageBodies: readonly string[],
  runs: number,
): Promise<{ parseOnly: ProcessingCost; parseValidateNormalize: ProcessingCost }> {
  const parseOnly = await cost(() => {
    for (const body of pageBodies) JSON.parse(body);
  }, runs);
  const parseValidateNormalize = await cost(() => {
    for (const body of pageBodies) {
      const parsed = parseDescribeBackupsPage(JSON.parse(body));
      if (!parsed.ok) throw new Error(`captured page does not parse: ${parsed.problem}`);
      pageItems(parsed.page).map(normalizeAliyunBackup);
    }
  }, runs);
  return { parseOnly, parseValidateNormalize };
}

/** A fetch that keeps a copy of every response body, to capture the pages one listing received. */
export function recordingFetch(bodies: string[]): typeof fetch {
  return async (input, init) => {
    const res = await fetch(input, init);
    bodies.push(await res.clone().text());
    return res;
  };
}
