import { describe, expect, it } from 'vitest';
import { collectPageBodies, scrubSignedUrls } from '../../src/engine/page-bodies.js';
import { testProviderContext } from '../helpers/provider-context.js';

const ctx = () => testProviderContext({ clock: () => 0 });

describe('keeping the page bodies of a poll', () => {
  it('keeps bodies in the order received, and nothing when no page arrived', () => {
    const c = collectPageBodies(ctx());
    expect(c.result()).toBeUndefined();
    c.ctx.keepBody?.('{"page":1}');
    c.ctx.keepBody?.('{"page":2}');
    expect(c.result()).toEqual({ bodies: ['{"page":1}', '{"page":2}'], omitted: 0 });
  });

  it('keeps the beginning of a listing up to the cap and counts the pages past it', () => {
    const c = collectPageBodies(ctx(), 25);
    for (const body of ['a'.repeat(10), 'b'.repeat(10), 'c'.repeat(10), 'd']) c.ctx.keepBody?.(body);
    expect(c.result()).toEqual({ bodies: ['a'.repeat(10), 'b'.repeat(10)], omitted: 2 });
  });

  it('scrubs a credential the adapter resolved should a provider echo it', () => {
    const c = collectPageBodies(ctx());
    const key = c.ctx.secret('AKIDechoed1234', 'accounts.a.accessKeyId');
    expect(key).toBe('AKIDechoed1234');
    c.ctx.keepBody?.(`{"Owner":"AKIDechoed1234","Items":[]}`);
    expect(c.result()?.bodies).toEqual(['{"Owner":"[scrubbed]","Items":[]}']);
  });

  it('drops the query of a signed download link and leaves other links as they are', () => {
    const signed = '"https://bak.oss.example.com/x.xb?OSSAccessKeyId=LTAI4&Expires=1&Signature=abc%3D"';
    const plain = '"https://console.example.com/backups?page=2"';
    expect(scrubSignedUrls(`{"u":${signed},"v":${plain}}`)).toBe(`{"u":"https://bak.oss.example.com/x.xb?[scrubbed]","v":${plain}}`);
    expect(scrubSignedUrls('"https://s3.example.com/k?X-Amz-Credential=AK%2F&X-Amz-Signature=f"')).toBe(
      '"https://s3.example.com/k?[scrubbed]"',
    );
  });
});
