import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';

/** A secret in config: a literal string (warned about by `validate`), `{env: NAME}` or `{file: PATH}`. */
export const secretRef = z.union([
  z.string().min(1),
  z.strictObject({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name') }),
  z.strictObject({ file: z.string().min(1) }),
]);
export type SecretRef = z.infer<typeof secretRef>;

export interface SecretEnv {
  env: NodeJS.ProcessEnv;
  /** Directory that relative `{file: PATH}` secrets are read from (the config file's folder). */
  baseDir: string;
}

/** Resolves a secret to its value, or returns a problem naming where it should have come from (never the value). */
export function resolveSecret(ref: SecretRef, where: SecretEnv): { value: string } | { problem: string } {
  if (typeof ref === 'string') return { value: ref };
  if ('env' in ref) {
    const v = where.env[ref.env];
    return v === undefined || v === '' ? { problem: `environment variable ${ref.env} is not set` } : { value: v };
  }
  const path = isAbsolute(ref.file) ? ref.file : resolve(where.baseDir, ref.file);
  try {
    const v = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
    return v === '' ? { problem: `secret file ${path} is empty` } : { value: v };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    return { problem: `secret file ${path} cannot be read (${code})` };
  }
}

/** Whether a secret is written literally in the config file. */
export const isLiteralSecret = (ref: SecretRef): boolean => typeof ref === 'string';
