import type { PollErrorKind } from '../domain/poll.js';

/**
 * Errors that decide retries. `permanent: true` means retrying cannot help (bad credentials,
 * unknown instance, malformed config); transient ones are retried with backoff.
 * Messages never contain secrets: callers pass provider text, never request signatures or keys.
 */
export class AuditorError extends Error {
  readonly permanent: boolean;
  /** A short machine-readable class such as `auth`, `throttled`, `not-found`, `invalid-response`. */
  readonly kind: string;
  constructor(kind: string, message: string, opts: { permanent: boolean; cause?: unknown }) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.kind = kind;
    this.permanent = opts.permanent;
  }
}

/** A provider failure's class, as recorded with the poll (the domain's poll error kinds). */
export type ProviderErrorKind = PollErrorKind;

/** A failed call to a provider API, mapped from the provider's own error shape. */
export class ProviderError extends AuditorError {
  declare readonly kind: ProviderErrorKind;
  /** The provider's own error code (`Throttling.User`, `SignatureDoesNotMatch`, RetCode 171...). */
  readonly code: string | undefined;
  readonly httpStatus: number | undefined;
  readonly requestId: string | undefined;
  /** Server-suggested wait before a retry, in ms. */
  readonly retryAfterMs: number | undefined;
  constructor(
    kind: ProviderErrorKind,
    message: string,
    opts: { permanent: boolean; code?: string; httpStatus?: number; requestId?: string; retryAfterMs?: number; cause?: unknown },
  ) {
    super(kind, message, opts);
    this.code = opts.code;
    this.httpStatus = opts.httpStatus;
    this.requestId = opts.requestId;
    this.retryAfterMs = opts.retryAfterMs;
  }
}

/** A notification channel refused or failed a delivery. Permanent: bad address, 404 webhook, SMTP 5xx. */
export class DeliveryError extends AuditorError {
  /** How long the far side asked us to wait (a 429's `Retry-After`), in ms; the outbox waits at least this long. */
  readonly retryAfterMs: number | undefined;
  constructor(message: string, opts: { permanent: boolean; retryAfterMs?: number; cause?: unknown }) {
    super(opts.permanent ? 'delivery-permanent' : 'delivery', message, opts);
    this.retryAfterMs = opts.retryAfterMs;
  }
}

/** Invalid configuration or usage: exit code 2, nothing written. */
export class ConfigError extends AuditorError {
  readonly problems: string[];
  constructor(problems: string[]) {
    super('config', problems.join('\n'), { permanent: true });
    this.problems = problems;
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
