import { afterAll, describe, expect, it } from 'vitest';
import { createWorkerServices } from '../../jobs/deps.js';
import { loadConfigText } from '../../src/config/load.js';
import { ConfigError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/log.js';
import { fetchPoll } from '../../src/engine/poll.js';
import { send } from '../../src/providers/http.js';
import { mixedFleet, mulberry32, SIM_APIS, simulatorConfig } from '../../src/simulator/index.js';
import { type HttpSink, startHttpSink } from '../helpers/http-sink.js';
import { testProviderContext } from '../helpers/provider-context.js';
import { record } from './support.js';

// Provider endpoints: plain http only where nobody can listen in, and a redirect never carries
// signed requests or credentials to another host. Runs under `npm test` too: it is fast and covers
// the allowInsecure check in src/config/schema.ts.

const config = (account: string): string => `accounts:
  ali: ${account}
targets:
  - { id: a-db, account: ali, service: rds, instance: rm-1 }
`;
const aliyun = (extra: string): string => `{ cloud: aliyun, regionId: cn-hangzhou, accessKeyId: AKID, accessKeySecret: SECRET, ${extra} }`;
const otc = (extra: string): string =>
  `{ cloud: otc, region: eu-de, projectId: p1, auth: { type: password, domain: d, user: u, password: pw }, ${extra} }`;

function rejection(text: string): string | undefined {
  try {
    loadConfigText(text, '/etc/backup-auditor/config.yaml');
    return undefined;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.message;
  }
}

describe('provider endpoints', () => {
  it('refuses a plain-http endpoint on a remote host, naming the field and the way out', () => {
    expect(rejection(config(aliyun('endpoint: "http://rds.aliyuncs.com"')))).toMatch(
      /accounts\.ali\.endpoint: must be https .*allowInsecure: true/,
    );
    expect(rejection(config(aliyun('endpoint: "HTTP://127.0.0.1.nip.io"')))).toMatch(/accounts\.ali\.endpoint: must be https/);
    expect(
      rejection(config(otc('endpoint: "https://rds.eu-de.otc.t-systems.com", iamEndpoint: "http://iam.eu-de.otc.t-systems.com"'))),
    ).toMatch(/accounts\.ali\.iamEndpoint: must be https/);
  });

  it('accepts plain http on loopback hosts and when the account says allowInsecure: true', () => {
    for (const endpoint of ['http://127.0.0.1:8080', 'http://localhost:9', 'http://[::1]:9', 'https://rds.aliyuncs.com']) {
      expect(rejection(config(aliyun(`endpoint: "${endpoint}"`))), endpoint).toBeUndefined();
    }
    expect(rejection(config(aliyun('endpoint: "http://proxy.internal:8080", allowInsecure: true')))).toBeUndefined();
    expect(
      rejection(config(otc('iamEndpoint: "http://iam.internal", endpoint: "http://rds.internal", allowInsecure: true'))),
    ).toBeUndefined();
  });

  it('rejects a non-boolean allowInsecure by name', () => {
    expect(rejection(config(aliyun('endpoint: "http://x.example", allowInsecure: "yes"')))).toMatch(/accounts\.ali\.allowInsecure/);
  });
});

describe('redirects from a provider endpoint', () => {
  let elsewhere: HttpSink;
  let redirector: HttpSink;
  afterAll(async () => Promise.all([elsewhere.close(), redirector.close()]));

  it('are answered as they are, never followed with the signed request or its credentials', async () => {
    elsewhere = await startHttpSink();
    const moved = (n: number) => Array.from({ length: n }, () => ({ status: 302, headers: { location: `${elsewhere.url}/stolen` } }));
    redirector = await startHttpSink(moved(200));
    const ctx = testProviderContext({ clock: () => Date.now() });
    const res = await send(ctx, {
      method: 'GET',
      url: `${redirector.url}/?Signature=abc`,
      headers: { authorization: 'Bearer token-must-stay-home' },
    });
    expect(res.status).toBe(302);

    // Every adapter, pointed at an endpoint that redirects everything elsewhere.
    const spec = mixedFleet({ seed: 7, now: Date.now(), perApi: 1 });
    const loaded = loadConfigText(simulatorConfig(spec, { url: redirector.url }), '/tmp/faults/redirect.yaml');
    const deps = createWorkerServices({ loaded, log: silentLogger, sleep: async () => undefined, random: mulberry32(1), timeoutMs: 2_000 });
    const outcomes = [];
    for (const target of loaded.config.targets) outcomes.push(await fetchPoll(deps, target));

    expect(outcomes).toHaveLength(SIM_APIS.length);
    expect(outcomes.every((o) => !o.outcome.ok)).toBe(true);
    expect(redirector.requests.length).toBeGreaterThan(SIM_APIS.length);
    expect(elsewhere.requests).toEqual([]);
    record({ area: 'endpoints (http refused, redirects)', faultsInjected: redirector.requests.length });
  });
});
