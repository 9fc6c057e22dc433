import { BasicCredentials } from '@huaweicloud/huaweicloud-sdk-core/auth/BasicCredentials.js';
import { HcClient } from '@huaweicloud/huaweicloud-sdk-core/HcClient.js';
import { DefaultHttpClient } from '@huaweicloud/huaweicloud-sdk-core/http/DefaultHttpClient.js';
import { LogLevel } from '@huaweicloud/huaweicloud-sdk-core/logger/index.js';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { backupsQuery } from '../../src/providers/huaweicloud/backup-listing.js';
import { gatewayClientFor } from '../../src/providers/huaweicloud/gateway-client.js';
import { IamTokenCache } from '../../src/providers/huaweicloud/iam.js';
import { signRequest } from '../../src/providers/huaweicloud/signer.js';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import {
  type HuaweiTestSim,
  HW_AK,
  HW_PROJECT,
  HW_SK,
  huaweiFleet,
  huaweiSimulator,
  OTC_AK,
  OTC_PROJECT,
  OTC_SK,
  SIM_NOW,
} from '../helpers/huawei-sim.js';
import { testProviderContext } from '../helpers/provider-context.js';

const DAY = 86_400_000;
interface Listing {
  backups: { id: string; instance_id: string; begin_time: string }[];
  total_count: number;
}
const asListing = (json: unknown) => ({ ok: true as const, value: json as Listing });

/**
 * The SDK's own HTTP client (HcClient over its axios-based DefaultHttpClient), assembled as
 * ClientBuilder.build() does. ClientBuilder itself cannot be loaded: sdk-core 3.1.211 requires
 * `uuid` (for its User-Agent) without declaring the dependency.
 */
function sdkClient(endpoint: string, sk: string): HcClient {
  const credential = new BasicCredentials().withAk(OTC_AK).withSk(sk).withProjectId(OTC_PROJECT);
  // Its own logger would print every refused request, headers included, to the test output.
  const quiet = { debug() {}, info() {}, warn() {}, error() {}, setLevel() {}, getLevel: () => LogLevel.ERROR, setName() {} };
  return new HcClient(new DefaultHttpClient({ logger: quiet }, [endpoint])).withCredential(credential).withEndpoints([endpoint]);
}

describe('the simulated OTC/Huawei gateway', () => {
  let s: HuaweiTestSim | undefined;
  let sim: Simulator | undefined;
  afterEach(async () => {
    await s?.sim.close();
    await sim?.close();
    s = undefined;
    sim = undefined;
  });

  it('accepts a request signed and sent by the official SDK client (HcClient, BasicCredentials)', async () => {
    // The SDK signs with the machine's clock, so the simulator runs on it too.
    sim = await startSimulator({ fleet: huaweiFleet({ rds: { 'rds-sdk': 3 } }), clock: systemClock });
    const client = sdkClient(sim.url, OTC_SK);

    const res = await client.sendRequest<{ httpStatusCode?: number; total_count?: number }>({
      method: 'GET',
      url: '/v3/{project_id}/backups',
      contentType: 'application/json',
      pathParams: {},
      queryParams: { instance_id: 'rds-sdk', offset: 0, limit: 2 },
      headers: {},
    });

    expect(res).toMatchObject({ httpStatusCode: 200, total_count: 3 });
    expect(sim.requests.of('otc/rds').map((r) => [r.status, r.params.limit])).toEqual([[200, '2']]);
  });

  it('refuses what the official SDK signs with a wrong secret key', async () => {
    sim = await startSimulator({ fleet: huaweiFleet({ rds: { 'rds-sdk': 1 } }), clock: systemClock });
    const client = sdkClient(sim.url, 'not-the-secret');

    const err: unknown = await client
      .sendRequest({
        method: 'GET',
        url: '/v3/{project_id}/backups',
        contentType: 'application/json',
        pathParams: {},
        queryParams: { instance_id: 'rds-sdk' },
        headers: {},
      })
      .catch((e: unknown) => e);

    expect(err).toMatchObject({ httpStatusCode: 401, errorCode: 'APIG.0301' });
  });

  it('filters OTC RDS by a time window whose +0800-style offset arrives intact as %2B', async () => {
    s = await huaweiSimulator({ rds: { 'rds-w': 30 } });
    const client = gatewayClientFor(
      s.otcAksk,
      'otc',
      testProviderContext({ clock: s.clock }),
      { label: 'otc rds', defaultEndpoint: () => '' },
      new IamTokenCache(),
    );

    const page = await client.get(
      'backups',
      backupsQuery({
        instanceId: 'rds-w',
        offset: 0,
        limit: 100,
        window: { begin: SIM_NOW - 5 * DAY, end: SIM_NOW },
        timeFormat: 'offset',
      }),
      'window',
      asListing,
    );

    expect(page.total_count).toBe(5);
    expect(page.backups[0]?.begin_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0800$/);
  });

  it('answers a raw + in an OTC filter time with a parameter error, as the API reads it as a space', async () => {
    s = await huaweiSimulator({ rds: { 'rds-w': 3 } });
    const raw = 'instance_id=rds-w&begin_time=2026-02-20T00:00:00+0000&end_time=2026-03-01T00:00:00+0000';
    const url = new URL(`${s.sim.url}/v3/${OTC_PROJECT}/backups?${raw}`);
    // Signed over the query as the server decodes it, so authentication passes and the value itself is judged.
    const auth = signRequest({
      request: { method: 'GET', path: url.pathname, query: [...url.searchParams] },
      host: url.host,
      accessKey: OTC_AK,
      secretKey: OTC_SK,
      now: SIM_NOW,
    });

    const res = await fetch(url, { headers: auth });

    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error_code: 'DBS.200001' });
  });

  it('filters DDS by a UTC window written with a space, and lists a whole project without instance_id', async () => {
    s = await huaweiSimulator({ dds: { 'dds-a': 10, 'dds-b': 4 } });
    const client = gatewayClientFor(
      s.ddsAksk,
      'hw',
      testProviderContext({ clock: s.clock }),
      { label: 'huaweicloud dds', defaultEndpoint: () => '' },
      new IamTokenCache(),
    );

    const windowed = await client.get(
      'backups',
      backupsQuery({
        instanceId: 'dds-a',
        offset: 0,
        limit: 100,
        window: { begin: SIM_NOW - 3 * DAY, end: SIM_NOW },
        timeFormat: 'utc-space',
      }),
      'window',
      asListing,
    );
    const project = await client.get('backups', backupsQuery({ offset: 0, limit: 100, timeFormat: 'utc-space' }), 'project', asListing);

    expect(windowed.total_count).toBe(3);
    expect(windowed.backups[0]?.begin_time).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(project.total_count).toBe(14);
    expect(new Set(project.backups.map((b) => b.instance_id))).toEqual(new Set(['dds-a', 'dds-b']));
  });

  it('routes by credential: a DDS key reaches DDS, and its project is checked against the path', async () => {
    s = await huaweiSimulator({ rds: { 'rds-x': 1 }, dds: { 'dds-x': 1 } });
    const wrongProject = gatewayClientFor(
      { ...s.ddsAksk, projectId: OTC_PROJECT },
      'hw',
      testProviderContext({ clock: s.clock }),
      { label: 'huaweicloud dds', defaultEndpoint: () => '' },
      new IamTokenCache(),
    );

    const err: unknown = await wrongProject
      .get('backups', backupsQuery({ instanceId: 'dds-x', offset: 0, limit: 100, timeFormat: 'utc-space' }), 'page', asListing)
      .catch((e: unknown) => e);

    expect(err).toMatchObject({ kind: 'auth', code: 'DBS.200010', httpStatus: 403 });
    expect(s.sim.requests.count('huaweicloud/dds')).toBe(1);
    expect([HW_AK, HW_SK, HW_PROJECT].some((v) => String((err as Error).message).includes(v))).toBe(false);
  });

  it('issues tokens with a 24-hour expires_at and refuses a wrong password with IAM 401', async () => {
    s = await huaweiSimulator({ rds: { 'rds-x': 1 } });
    const body = (password: string) =>
      JSON.stringify({
        auth: {
          identity: { methods: ['password'], password: { user: { name: 'auditor', password, domain: { name: 'acme' } } } },
          scope: { project: { id: OTC_PROJECT } },
        },
      });

    const ok = await fetch(`${s.sim.url}/v3/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: body('Otc-pass!word-42'),
    });
    const bad = await fetch(`${s.sim.url}/v3/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: body('nope'),
    });

    expect(ok.status).toBe(201);
    expect(ok.headers.get('x-subject-token')).toMatch(/^MII/);
    expect(await ok.json()).toMatchObject({ token: { expires_at: '2026-03-02T06:00:00.000000Z' } });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toEqual({ error: { code: 401, message: 'The username or password is wrong.', title: 'Unauthorized' } });
  });
});
