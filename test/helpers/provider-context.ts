import type { SecretRef } from '../../src/config/secret.js';
import type { Clock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/log.js';
import type { BackupPage, ProviderContext } from '../../src/providers/types.js';
import { mulberry32 } from '../../src/simulator/prng.js';

export interface TestProviderContext extends ProviderContext {
  /** Every wait the adapter asked for, in ms; sleeping itself returns at once. */
  readonly waits: number[];
}

/**
 * A ProviderContext for adapter tests: real fetch, no logging, instant sleeps that are recorded,
 * seeded randomness, a 2 s request timeout. Literal secrets are used as given and `{env}` refs read
 * process.env, so a test can never pick up a real credential by accident through a file.
 */
export function testProviderContext(overrides: Partial<ProviderContext> & { clock: Clock }): TestProviderContext {
  const waits: number[] = [];
  return {
    fetch: globalThis.fetch,
    log: silentLogger,
    secret: resolveTestSecret,
    sleep: async (ms) => {
      waits.push(ms);
    },
    random: mulberry32(42),
    timeoutMs: 2_000,
    ...overrides,
    waits,
  };
}

function resolveTestSecret(ref: SecretRef, where: string): string {
  if (typeof ref === 'string') return ref;
  if ('env' in ref) {
    const value = process.env[ref.env];
    if (value) return value;
  }
  throw new Error(`test secret for ${where} is not a literal or a set environment variable`);
}

/** Runs a listing to the end (or its error) and returns every page, as the poll job does. */
export async function collectPages(pages: AsyncIterable<BackupPage>): Promise<BackupPage[]> {
  const out: BackupPage[] = [];
  for await (const page of pages) out.push(page);
  return out;
}
