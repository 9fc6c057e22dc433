import { createHash } from 'node:crypto';
import { type CanonicalValue, canonicalJson } from '../core/canonical.js';
import type { LoadedConfig } from './load.js';
import { secretRefs } from './load.js';

/** What a secret written literally in the config becomes in a snapshot: never its value. */
export const LITERAL_SECRET = '(secret written in the config file)';

/**
 * The config as the evidence chain records it: the validated config with every secret replaced by
 * its reference (`{env: NAME}` and `{file: PATH}` stay as they are, a literal secret becomes
 * LITERAL_SECRET), numbers that are not whole written as strings, in the canonical encoding.
 */
export function configSnapshot(loaded: Pick<LoadedConfig, 'config'>): string {
  const literals = new Set(
    secretRefs(loaded.config)
      .map((u) => u.ref)
      .filter((r): r is string => typeof r === 'string'),
  );
  const redact = (v: unknown): CanonicalValue | undefined => {
    if (typeof v === 'string') return literals.has(v) ? LITERAL_SECRET : v;
    if (typeof v === 'number') return Number.isSafeInteger(v) ? v : String(v);
    if (typeof v === 'boolean' || v === null) return v;
    if (Array.isArray(v)) return v.map((x) => redact(x) ?? null);
    if (typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, redact(x)]));
    return undefined;
  };
  return canonicalJson(redact(loaded.config) ?? null);
}

/** SHA-256 (hex) of configSnapshot: what a `config` link of the evidence chain holds. */
export const configSnapshotHash = (loaded: Pick<LoadedConfig, 'config'>): string =>
  createHash('sha256').update(configSnapshot(loaded)).digest('hex');
