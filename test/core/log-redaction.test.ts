import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, redact } from '../../src/core/log.js';

// The real logger, writing JSON lines into a stream we read back.

function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d: Buffer) => (text += d.toString()));
  const log = createLogger({ level: 'info', destination: stream });
  const flush = () => new Promise<string>((r) => setImmediate(() => r(text)));
  return { log, flush };
}

const SECRETS = {
  password: 'pw-0-hunter2',
  secret: 'sec-1-hmac',
  accessKeySecret: 'aks-2-aliyun',
  privateKey: 'pk-3-ucloud',
  secretKey: 'sk-4-huawei',
  token: 'tok-5-iam',
  authorization: 'Bearer auth-6',
  webhook: 'https://hooks.example.invalid/services/T0/B0/webhook-7',
  smtp: 'smtp://mailer:smtp-8@127.0.0.1:2525',
};
const values = Object.values(SECRETS);

/** `{ a: { a: ... { <key>: <secret>, keep: 'visible-<depth>' } } }`, the secret `depth` levels down. */
function nested(depth: number, leaf: Record<string, unknown>): Record<string, unknown> {
  let obj: Record<string, unknown> = { ...leaf, keep: `visible-${depth}` };
  for (let d = depth; d > 0; d--) obj = { a: obj, [`keep${d}`]: `visible-at-${d}` };
  return obj;
}

describe('log redaction', () => {
  it('never writes a secret-named field at depths 0 to 4, and keeps every other field', async () => {
    const { log, flush } = capture();
    for (let depth = 0; depth <= 4; depth++) log.info(nested(depth, SECRETS), `line ${depth}`);
    const text = await flush();
    const lines = text.trim().split('\n');
    expect(lines).toHaveLength(5);
    for (const v of values) expect(text).not.toContain(v);
    for (let depth = 0; depth <= 4; depth++) {
      expect(text).toContain(`visible-${depth}`);
      expect(text).toContain(`"msg":"line ${depth}"`);
    }
    expect(text).toContain('visible-at-4');
    expect(text).toContain('"password":"[redacted]"');
  });

  it('censors a config-shaped object deep inside a log line', async () => {
    const { log, flush } = capture();
    const cfg = {
      accounts: { a: { cloud: 'aliyun', accessKeyId: 'LTAI-visible', accessKeySecret: 'deep-aks-secret' } },
      channels: { ops: { type: 'slack', webhook: 'https://hooks.example.invalid/deep' } },
    };
    log.warn({ cfg }, 'config loaded');
    const text = await flush();
    expect(text).not.toContain('deep-aks-secret');
    expect(text).not.toContain('hooks.example.invalid/deep');
    expect(text).toContain('LTAI-visible');
    expect(text).toContain('"type":"slack"');
  });

  it('matches names case- and separator-insensitively, as a suffix, inside arrays and child bindings', async () => {
    const { log, flush } = capture();
    const child = log.child({ dbPassword: 'bound-secret', target: 'db-1' });
    child.info(
      { headers: [{ 'x-auth-token': 'hdr-token' }, { Authorization: 'hdr-auth' }], securityToken: 'sts-token', tokens: 3 },
      'request',
    );
    const text = await flush();
    for (const v of ['bound-secret', 'hdr-token', 'hdr-auth', 'sts-token']) expect(text).not.toContain(v);
    expect(text).toContain('"target":"db-1"');
    expect(text).toContain('"tokens":3');
  });

  it('hides the credentials of a URL in any string field', async () => {
    const { log, flush } = capture();
    log.error({ err: 'connect to smtp://mailer:url-pass@127.0.0.1:2525 failed' }, 'send failed');
    const text = await flush();
    expect(text).not.toContain('url-pass');
    expect(text).toContain('smtp://[redacted]@127.0.0.1:2525');
  });

  it('returns a line without secrets as the very same object, and never changes the caller’s object', () => {
    const clean = { target: 'db-1', items: [1, 2, 3], nested: { ok: true } };
    expect(redact(clean)).toBe(clean);
    const dirty = { nested: { password: 'p' }, other: { x: 1 } };
    const out = redact(dirty);
    expect(out).toEqual({ nested: { password: '[redacted]' }, other: { x: 1 } });
    expect(out.other).toBe(dirty.other);
    expect(dirty.nested.password).toBe('p');
  });

  it('survives a cyclic object', async () => {
    const { log, flush } = capture();
    const loop: Record<string, unknown> = { name: 'loop', password: 'cyc-secret' };
    loop.self = loop;
    log.info({ loop }, 'cyclic');
    const text = await flush();
    expect(text).not.toContain('cyc-secret');
    expect(text).toContain('"msg":"cyclic"');
  });
});
