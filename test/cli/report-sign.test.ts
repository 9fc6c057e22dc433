import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, verify } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase } from '../../src/db/client.js';
import { runCli } from '../helpers/cli.js';
import { writeEvidence } from '../helpers/evidence.js';
import { tempConfig } from '../helpers/temp.js';

const CONFIG = `database: ./audit.db
accounts:
  ali: { cloud: aliyun, regionId: cn-hangzhou, endpoint: "http://127.0.0.1:9", accessKeyId: LTAI5tSign, accessKeySecret: { env: ALI_SK } }
targets:
  - { id: orders, account: ali, service: rds, instance: rm-orders }
`;
const DAY = 86_400_000;
const period = () => ['--from', new Date(Date.now() - 8 * DAY).toISOString(), '--to', new Date(Date.now() - DAY).toISOString()];

let dir: string;
let signed: string;
let unsigned: string;
let cleanup: () => void;
let cleanupUnsigned: () => void;
beforeAll(() => {
  ({ dir, config: signed, cleanup } = tempConfig(`${CONFIG}evidence: { signingKey: { file: signing.pem } }\n`, 'ba-sign-'));
  const { privateKey } = generateKeyPairSync('ed25519');
  writeFileSync(join(dir, 'signing.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const db = openDatabase(join(dir, 'audit.db'));
  writeEvidence(db);
  closeDatabase(db);
  const other = tempConfig(`database: ${join(dir, 'audit.db')}\n${CONFIG.split('\n').slice(1).join('\n')}`, 'ba-unsigned-');
  ({ config: unsigned, cleanup: cleanupUnsigned } = other);
});
afterAll(() => {
  cleanup();
  cleanupUnsigned();
});

describe('signed reports', () => {
  it('writes <out>.sig beside the report, a signature openssl checks with the printed public key', async () => {
    const report = await runCli(['--config', signed, 'report', ...period(), '--out', join(dir, 'report.json')]);
    expect(report.code).toBe(0);
    const key = await runCli(['--config', signed, 'evidence', 'public-key']);
    expect(key.stdout).toMatch(/^-----BEGIN PUBLIC KEY-----\n[\s\S]+-----END PUBLIC KEY-----\n$/);
    writeFileSync(join(dir, 'pub.pem'), key.stdout);
    const signature = Buffer.from(readFileSync(join(dir, 'report.json.sig'), 'utf8'), 'base64');
    expect(signature).toHaveLength(64);
    // openssl reads the signature raw: the .sig file is base64 so it survives mail and copy-paste.
    writeFileSync(join(dir, 'report.sig.bin'), signature);
    const openssl = (file: string) =>
      execFileSync('openssl', ['pkeyutl', '-verify', '-pubin', '-inkey', 'pub.pem', '-rawin', '-in', file, '-sigfile', 'report.sig.bin'], {
        cwd: dir,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    expect(openssl('report.json')).toContain('Signature Verified Successfully');
    const bytes = readFileSync(join(dir, 'report.json'));
    expect(verify(null, bytes, key.stdout, signature)).toBe(true);
    // One byte changed and the signature no longer holds.
    writeFileSync(join(dir, 'edited.json'), Buffer.from(bytes.toString('utf8').replace('"version": 2', '"version": 3')));
    expect(() => openssl('edited.json')).toThrow();
    expect(JSON.parse(bytes.toString('utf8')).evidence).toMatchObject({ seq: 12 });
  });

  it('refuses --sign without a signing key in the config, naming the setting', async () => {
    const r = await runCli(['--config', unsigned, 'report', ...period(), '--out', join(dir, 'plain.md'), '--sign']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('report: --sign: the config has no evidence.signingKey');
  });

  it('refuses --sign without --out, where the signature would go beside', async () => {
    const r = await runCli(['--config', signed, 'report', ...period(), '--sign']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('report: --sign: the signature goes beside the report file: give --out FILE');
  });
});
