import { type Logger as PinoLogger, pino } from 'pino';

export type Logger = PinoLogger;

/**
 * Field names whose values are never logged, at any depth. Compared lowercased without `-`/`_`, and
 * as a suffix: `dbPassword`, `securityToken`, `x-auth-token`, `slackWebhook` all match. Adapters also
 * never pass secrets to the logger; this is the second line of defence.
 */
export const REDACTED_KEYS = [
  'password',
  'passwd',
  'secret',
  'accesskeysecret',
  'privatekey',
  'secretkey',
  'token',
  'apikey',
  'authorization',
  'cookie',
  'signature',
  'webhook',
  'webhookurl',
  'smtp',
  'smtpurl',
  'credentials',
] as const;

const CENSOR = '[redacted]';
/** Deeper than any log line the daemon writes; what lies below is replaced rather than walked. */
const MAX_DEPTH = 12;
const cache = new Map<string, boolean>();

function isSecretKey(key: string): boolean {
  let hit = cache.get(key);
  if (hit === undefined) {
    const k = key.toLowerCase().replace(/[-_\s]/g, '');
    hit = REDACTED_KEYS.some((name) => k.endsWith(name));
    if (cache.size < 10_000) cache.set(key, hit);
  }
  return hit;
}

/** `smtp://user:pass@host` → `smtp://[redacted]@host`, wherever such a URL appears in a string. */
function censorUrlCredentials(s: string): string {
  return s.includes('://') && s.includes('@') ? s.replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s/@]*:[^\s/@]*@/gi, `$1${CENSOR}@`) : s;
}

const isPlain = (v: object): boolean => {
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

/**
 * Returns `value` with every secret-named field censored, copying only the objects on the way to a
 * change: a log line without secrets is walked once and passed on as it is. Errors, class instances
 * and other non-plain objects are left to pino's serializers.
 */
export function redact<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return censorUrlCredentials(value) as T;
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_DEPTH) return CENSOR as T;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item: unknown, i) => {
      const next = redact(item, depth + 1);
      if (next === item) return;
      copy ??= [...value];
      copy[i] = next;
    });
    return (copy ?? value) as T;
  }
  if (!isPlain(value)) return value;
  let copy: Record<string, unknown> | undefined;
  const source = value as Record<string, unknown>;
  for (const key of Object.keys(source)) {
    const item = source[key];
    const next = item === undefined || item === null ? item : isSecretKey(key) ? CENSOR : redact(item, depth + 1);
    if (next === item) continue;
    copy ??= { ...source };
    copy[key] = next;
  }
  return (copy ?? value) as T;
}

/** JSON lines on stderr (stdout is for command output). `level` from BACKUP_AUDITOR_LOG or `info`. */
export function createLogger(opts: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  const level = opts.level ?? process.env.BACKUP_AUDITOR_LOG ?? 'info';
  const root = pino(
    { level, base: undefined, formatters: { log: (obj) => redact(obj) } },
    (opts.destination ?? process.stderr) as pino.DestinationStream,
  );
  // pino formats a child's bindings once, without `formatters.log`: censor them on the way in.
  // Children inherit this method through their prototype, so grandchildren are covered too.
  const child: (this: Logger, bindings: pino.Bindings, options?: pino.ChildLoggerOptions<never>) => Logger = root.child;
  return Object.assign(root, {
    child(this: Logger, bindings: pino.Bindings, options?: pino.ChildLoggerOptions<never>): Logger {
      return child.call(this, redact(bindings), options);
    },
  });
}

/** A logger that drops everything; the default for tests and library calls. */
export const silentLogger: Logger = pino({ level: 'silent' });
