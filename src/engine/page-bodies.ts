import { MAX_KEPT_BODY_BYTES, type PageBodies } from '../domain/poll.js';
import type { ProviderContext } from '../providers/types.js';

/** What replaces a credential a provider echoed in a body: the body is then kept without it. */
export const SCRUBBED = '[scrubbed]';

/** A URL with a query: the query is dropped when it carries a signature, a key id or a token. */
const URL_QUERY = /(https?:\/\/[^"\s?]*)\?([^"\s]*)/g;
const SIGNED_QUERY = /signature|accesskey|security-?token|credential|token=/i;

/**
 * `body` with every signed query string replaced by `[scrubbed]`: a provider may list pre-signed
 * download links (Alibaba's BackupDownloadURL carries OSSAccessKeyId, Expires and Signature).
 */
export const scrubSignedUrls = (body: string): string =>
  body.replace(URL_QUERY, (url, base: string, query: string) => (SIGNED_QUERY.test(query) ? `${base}?${SCRUBBED}` : url));

/** Collects the listing bodies of one poll through a ProviderContext. */
export interface PageBodyCollector {
  /** `ctx` with `keepBody` set, and `secret` noting each value it resolves so that a body echoing one is scrubbed. */
  readonly ctx: ProviderContext;
  /** What was kept, or undefined when no page arrived. */
  result(): PageBodies | undefined;
}

/**
 * Keeps the bodies of a poll's listing pages in order, up to `maxBytes` in all (MAX_KEPT_BODY_BYTES):
 * the first page that would pass it and every page after it are counted in `omitted` and not kept, so
 * what is kept is always the listing's beginning. Bodies only ever reach here (never headers or
 * signed URLs); what is kept of them has each signed URL's query and each credential the adapter
 * resolved (an access key id, secret, password or security token) replaced by `[scrubbed]`.
 */
export function collectPageBodies(ctx: ProviderContext, maxBytes = MAX_KEPT_BODY_BYTES): PageBodyCollector {
  const bodies: string[] = [];
  const secrets = new Set<string>();
  let bytes = 0;
  let omitted = 0;
  const keepBody = (body: string): void => {
    let kept = scrubSignedUrls(body);
    for (const s of secrets) if (s.length >= 4 && kept.includes(s)) kept = kept.split(s).join(SCRUBBED);
    const size = Buffer.byteLength(kept);
    if (omitted > 0 || bytes + size > maxBytes) {
      omitted++;
      return;
    }
    bytes += size;
    bodies.push(kept);
  };
  const secret: ProviderContext['secret'] = (ref, where) => {
    const value = ctx.secret(ref, where);
    secrets.add(value);
    return value;
  };
  return {
    ctx: { ...ctx, secret, keepBody },
    result: () => (bodies.length + omitted === 0 ? undefined : { bodies, omitted }),
  };
}
