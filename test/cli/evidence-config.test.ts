import { writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { auditRows } from '../helpers/db.js';
import { tempConfig } from '../helpers/temp.js';

const CONFIG = `database: ./audit.db
accounts:
  ali:
    { cloud: aliyun, regionId: cn-hangzhou, endpoint: "http://127.0.0.1:9", accessKeyId: LTAI5tConfig, accessKeySecret: plain-text-secret }
targets:
  - { id: orders, account: ali, service: rds, instance: rm-orders }
`;

let dir: string;
let config: string;
let cleanup: () => void;
beforeEach(() => ({ dir, config, cleanup } = tempConfig(CONFIG, 'ba-evidence-config-')));
afterEach(() => cleanup());

const silence = () => runCli(['--config', config, 'silence', 'add', '--target', 'orders', '--for', '2h', '--reason', 'maintenance']);
const links = () => auditRows<{ kind: string; ref: string }>(dir, `SELECT kind, ref FROM evidence_chain ORDER BY seq`);

describe('the config in the evidence chain', () => {
  it('is chained when a command first writes with it, again only once it changed, and never with a secret value', async () => {
    expect((await silence()).code).toBe(0);
    expect((await silence()).code).toBe(0);
    expect(links().map((l) => l.kind)).toEqual(['genesis', 'config', 'silence-added', 'silence-added']);
    writeFileSync(config, CONFIG.replace('rm-orders }', 'rm-orders, labels: { tier: gold } }'));
    expect((await silence()).code).toBe(0);
    const kinds = links().map((l) => l.kind);
    expect(kinds.slice(4)).toEqual(['config', 'silence-added']);
    const [first, second] = links().filter((l) => l.kind === 'config');
    expect(first?.ref).toMatch(/^[0-9a-f]{64}$/);
    expect(second?.ref).not.toBe(first?.ref);
    expect(JSON.stringify(auditRows(dir, 'SELECT * FROM evidence_chain'))).not.toContain('plain-text-secret');
    expect((await runCli(['--config', config, 'evidence', 'verify'])).code).toBe(0);
  });
});
