import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { type LoadedConfig, type LoadOptions, loadConfigFile } from '../config/load.js';
import { ConfigError, errorMessage } from '../core/errors.js';
import { type CliIO, EXIT, println } from './io-base.js';

export { type CliIO, EXIT, findingsExit, println, processIO } from './io-base.js';

export interface GlobalOptions {
  config?: string;
}

/** `--config`, else BACKUP_AUDITOR_CONFIG, else ./backup-auditor.yaml. */
export function configPath(opts: GlobalOptions, io: CliIO): string {
  return resolve(io.cwd, opts.config ?? io.env.BACKUP_AUDITOR_CONFIG ?? 'backup-auditor.yaml');
}

/**
 * Loads the config for a command. A missing file says how to make one (`init` writes to the same
 * path this resolves), rather than only that it is missing.
 */
export function loadConfig(opts: GlobalOptions, io: CliIO, load: Omit<LoadOptions, 'env'> = {}): LoadedConfig {
  const path = configPath(opts, io);
  if (!existsSync(path)) {
    const init = path === resolve(io.cwd, 'backup-auditor.yaml') ? 'backup-auditor init' : `backup-auditor init --out ${path}`;
    throw new ConfigError([
      `config file ${path} not found: run \`${init}\` to write one, or point at yours with --config PATH or BACKUP_AUDITOR_CONFIG`,
    ]);
  }
  return loadConfigFile(path, { ...load, env: io.env });
}

/** Turns any error into its exit code, printing config problems one per line. */
export function reportError(err: unknown, io: CliIO): number {
  if (err instanceof ConfigError) {
    println(io.stderr, `invalid configuration (${err.problems.length} problem${err.problems.length === 1 ? '' : 's'}):`);
    for (const p of err.problems) println(io.stderr, `  ${p}`);
    return EXIT.usage;
  }
  println(io.stderr, `error: ${errorMessage(err)}`);
  return EXIT.runtime;
}
