import { createLogger, type Logger } from '../core/log.js';
import type { CliIO } from './io-base.js';

// Apart from io.ts: the commands that log import it, and the others (status, history) do not load pino.

/** The logger of a command: to stderr, at $BACKUP_AUDITOR_LOG (default `error`). */
export function logger(io: CliIO): Logger {
  return createLogger({ destination: io.stderr, level: io.env.BACKUP_AUDITOR_LOG ?? 'error' });
}
