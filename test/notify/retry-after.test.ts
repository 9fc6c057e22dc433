import { describe, expect, it } from 'vitest';
import { MAX_RETRY_AFTER_MS, retryAfterMs } from '../../src/notify/http.js';

const NOW = Date.parse('2026-03-02T08:00:00Z');
const headers = (value?: string): Headers => new Headers(value === undefined ? {} : { 'retry-after': value });

describe('Retry-After', () => {
  it('reads delay-seconds', () => {
    expect(retryAfterMs(headers('120'), NOW)).toBe(120_000);
    expect(retryAfterMs(headers(' 0 '), NOW)).toBe(0);
  });

  it('reads an HTTP date as the time left until then', () => {
    expect(retryAfterMs(headers('Mon, 02 Mar 2026 08:02:30 GMT'), NOW)).toBe(150_000);
  });

  it('treats a date in the past as no wait', () => {
    expect(retryAfterMs(headers('Mon, 02 Mar 2026 07:00:00 GMT'), NOW)).toBe(0);
  });

  it('caps the wait at one hour however long the server asks for', () => {
    expect(retryAfterMs(headers('999999'), NOW)).toBe(MAX_RETRY_AFTER_MS);
    expect(retryAfterMs(headers('Tue, 10 Mar 2026 08:00:00 GMT'), NOW)).toBe(MAX_RETRY_AFTER_MS);
  });

  it('is undefined when absent or unreadable', () => {
    expect(retryAfterMs(headers(), NOW)).toBeUndefined();
    expect(retryAfterMs(headers('soon'), NOW)).toBeUndefined();
    expect(retryAfterMs(headers('-5'), NOW)).toBeUndefined();
  });
});
