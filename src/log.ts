import { pino, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

/**
 * Field names whose values are never logged, wherever they appear. Adapters also never pass
 * secrets to the logger; this is the second line of defence.
 */
export const REDACTED_PATHS = [
  '*.password', '*.secret', '*.accessKeySecret', '*.privateKey', '*.secretKey', '*.token', '*.webhook',
  '*.smtp', '*.authorization', '*.Authorization', '*.Signature', '*.headers.authorization', '*.headers["x-auth-token"]',
];

/** JSON lines on stderr (stdout is for command output). `level` from BACKUP_AUDITOR_LOG or `info`. */
export function createLogger(opts: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  const level = opts.level ?? process.env.BACKUP_AUDITOR_LOG ?? 'info';
  return pino(
    { level, base: undefined, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } },
    (opts.destination ?? process.stderr) as pino.DestinationStream,
  );
}

/** A logger that drops everything; the default for tests and library calls. */
export const silentLogger: Logger = pino({ level: 'silent' });
