import * as $OpenApi from '@alicloud/openapi-core';
import rds, * as $Rds from '@alicloud/rds20140815';
import { afterEach, describe, expect, it } from 'vitest';
import { manualClock, systemClock } from '../../src/core/clock.js';
import { ProviderError } from '../../src/core/errors.js';
import { aliyunRdsBackups } from '../../src/providers/aliyun/rds-backups.js';
import { signedAcs3Headers } from '../../src/providers/aliyun/signer-v3.js';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { ALI_KEY_ID, ALI_REGION, ALI_SECRET, aliyunAccountFor, aliyunFleet, SIM_NOW } from '../helpers/aliyun-sim.js';
import { collectPages, testProviderContext } from '../helpers/provider-context.js';

// A CommonJS module: under NodeNext the default import is module.exports (class at `.default`); vitest unwraps it.
type RdsClient = typeof rds.default;
const RdsClient = ('default' in rds ? rds.default : rds) as RdsClient;

/** The generated RDS client on openapi-core, with its defaults (ACS3-HMAC-SHA256, POST, parameters in the query). */
function officialClient(url: string, accessKeySecret = ALI_SECRET): InstanceType<RdsClient> {
  const config = new $OpenApi.$OpenApiUtil.Config({
    accessKeyId: ALI_KEY_ID,
    accessKeySecret,
    endpoint: new URL(url).host,
    protocol: 'http',
    regionId: ALI_REGION,
  });
  return new RdsClient(config);
}

async function officialIds(client: InstanceType<RdsClient>, instance: string): Promise<string[]> {
  const ids: string[] = [];
  for (let pageNumber = 1; ; pageNumber++) {
    const res = await client.describeBackups(new $Rds.DescribeBackupsRequest({ DBInstanceId: instance, pageSize: 100, pageNumber }));
    const items = res.body?.items?.backup ?? [];
    ids.push(...items.map((b) => String(b.backupId)));
    if (items.length === 0 || ids.length >= Number(res.body?.totalRecordCount ?? 0)) return ids;
  }
}

const target = (instance: string) => ({ id: `t-${instance}`, service: 'rds', instance });

async function adapterIds(sim: Simulator, instance: string, signatureVersion: 'v1' | 'v3', clock = systemClock): Promise<string[]> {
  const pages = await collectPages(
    aliyunRdsBackups.list(aliyunAccountFor(sim.url, { signatureVersion }), 'ali', target(instance), testProviderContext({ clock })),
  );
  return pages.flatMap((p) => p.items.map((b) => b.backupId));
}

describe('the simulator with Alibaba signature v3 (ACS3-HMAC-SHA256)', () => {
  let sim: Simulator | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  it('lists for @alicloud/rds20140815 (v3 by default) the same backups our adapter lists with v1 and with v3', async () => {
    // The official client stamps x-acs-date with the real time, so this simulator runs on the system clock.
    sim = await startSimulator({ fleet: aliyunFleet({ 'rm-v3': 130 }), clock: systemClock });

    const official = await officialIds(officialClient(sim.url), 'rm-v3');
    // Two POSTs without v1's signature parameters: the official client really signed with v3.
    expect(sim.requests.of('aliyun/rds').map((r) => [r.method, r.status, 'AccessKeyId' in r.params])).toEqual([
      ['POST', 200, false],
      ['POST', 200, false],
    ]);
    const v1 = await adapterIds(sim, 'rm-v3', 'v1');
    const v3 = await adapterIds(sim, 'rm-v3', 'v3');

    expect(official).toHaveLength(130);
    expect(v3).toEqual(official);
    expect(v1).toEqual(official);
  });

  it('is sent by our adapter as the official client sends it: POST, parameters in the query, no v1 signature parameters', async () => {
    sim = await startSimulator({ fleet: aliyunFleet({ 'rm-v3': 3 }), clock: manualClock(SIM_NOW) });

    await adapterIds(sim, 'rm-v3', 'v3', manualClock(SIM_NOW));

    const [request] = sim.requests.of('aliyun/rds');
    expect(request).toMatchObject({
      method: 'POST',
      status: 200,
      params: { DBInstanceId: 'rm-v3', RegionId: ALI_REGION, PageSize: '100', PageNumber: '1' },
    });
    expect(Object.keys(request?.params ?? {})).not.toContain('AccessKeyId');
  });

  it('refuses what the official client signs with a wrong secret with SignatureDoesNotMatch', async () => {
    sim = await startSimulator({ fleet: aliyunFleet({ 'rm-v3': 1 }), clock: systemClock });

    const err = (await officialIds(officialClient(sim.url, 'not-the-secret'), 'rm-v3').catch((e: unknown) => e)) as {
      code?: string;
      statusCode?: number;
    };

    expect(err).toMatchObject({ code: 'SignatureDoesNotMatch', statusCode: 400 });
  });

  it('turns a v3 signature with the wrong secret into a permanent auth error that names no secret', async () => {
    sim = await startSimulator({ fleet: aliyunFleet({ 'rm-v3': 1 }), clock: manualClock(SIM_NOW) });
    const account = aliyunAccountFor(sim.url, { signatureVersion: 'v3', accessKeySecret: 'wrong-secret-value' });

    const err = await collectPages(
      aliyunRdsBackups.list(account, 'ali', target('rm-v3'), testProviderContext({ clock: manualClock(SIM_NOW) })),
    ).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ kind: 'auth', permanent: true, code: 'SignatureDoesNotMatch', httpStatus: 400 });
    expect(String((err as Error).message)).not.toContain('wrong-secret-value');
  });

  it('answers an x-acs-date more than 15 minutes off with InvalidTimeStamp.Expired', async () => {
    sim = await startSimulator({ fleet: aliyunFleet({ 'rm-v3': 1 }), clock: manualClock(SIM_NOW) });
    const skewed = manualClock(SIM_NOW - 16 * 60_000);

    const err = await adapterIds(sim, 'rm-v3', 'v3', skewed).catch((e: unknown) => e);

    expect(err).toMatchObject({ kind: 'auth', permanent: true, code: 'InvalidTimeStamp.Expired' });
  });

  describe('raw v3 requests', () => {
    const send = async (url: string, headers: Record<string, string>) => {
      const res = await fetch(url, { method: 'POST', headers });
      return { status: res.status, body: (await res.json()) as { Code?: string; TotalRecordCount?: string } };
    };
    const signed = (simUrl: string, over: { accessKeyId?: string; nonce?: string } = {}) => {
      const query = { DBInstanceId: 'rm-v3', RegionId: ALI_REGION };
      const url = `${simUrl}/?DBInstanceId=rm-v3&RegionId=${ALI_REGION}`;
      const headers = signedAcs3Headers({
        url,
        method: 'POST',
        action: 'DescribeBackups',
        version: '2014-08-15',
        query,
        accessKeyId: over.accessKeyId ?? ALI_KEY_ID,
        accessKeySecret: ALI_SECRET,
        now: SIM_NOW,
        nonce: over.nonce ?? 'nonce-1',
      });
      return { url, headers };
    };

    it('refuses a replayed nonce with SignatureNonceUsed', async () => {
      sim = await startSimulator({ fleet: aliyunFleet({ 'rm-v3': 2 }), clock: manualClock(SIM_NOW) });
      const { url, headers } = signed(sim.url);

      const first = await send(url, headers);
      const replay = await send(url, headers);

      expect(first).toMatchObject({ status: 200, body: { TotalRecordCount: '2' } });
      expect(replay).toMatchObject({ status: 400, body: { Code: 'SignatureNonceUsed' } });
    });

    it('answers an unknown access key with InvalidAccessKeyId.NotFound (HTTP 404)', async () => {
      sim = await startSimulator({ fleet: aliyunFleet({ 'rm-v3': 1 }), clock: manualClock(SIM_NOW) });
      const { url, headers } = signed(sim.url, { accessKeyId: 'LTAI5tNobodyKnowsMe' });

      expect(await send(url, headers)).toMatchObject({ status: 404, body: { Code: 'InvalidAccessKeyId.NotFound' } });
    });

    it('refuses an x-acs-* header left out of SignedHeaders with IncompleteSignature', async () => {
      sim = await startSimulator({ fleet: aliyunFleet({ 'rm-v3': 1 }), clock: manualClock(SIM_NOW) });
      const { url, headers } = signed(sim.url);

      const res = await send(url, { ...headers, 'x-acs-extra': 'smuggled' });

      expect(res).toMatchObject({ status: 400, body: { Code: 'IncompleteSignature' } });
    });

    it('refuses a request whose signed query was changed in transit with SignatureDoesNotMatch', async () => {
      sim = await startSimulator({ fleet: aliyunFleet({ 'rm-v3': 1, 'rm-other': 1 }), clock: manualClock(SIM_NOW) });
      const { url, headers } = signed(sim.url);

      const res = await send(url.replace('rm-v3', 'rm-other'), headers);

      expect(res).toMatchObject({ status: 400, body: { Code: 'SignatureDoesNotMatch' } });
    });
  });
});
