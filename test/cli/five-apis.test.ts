import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as $OpenApi from '@alicloud/openapi-core';
import RPCClient from '@alicloud/pop-core';
import rds, * as $Rds from '@alicloud/rds20140815';
import { BasicCredentials } from '@huaweicloud/huaweicloud-sdk-core/auth/BasicCredentials.js';
import { HcClient } from '@huaweicloud/huaweicloud-sdk-core/HcClient.js';
import { DefaultHttpClient } from '@huaweicloud/huaweicloud-sdk-core/http/DefaultHttpClient.js';
import { LogLevel } from '@huaweicloud/huaweicloud-sdk-core/logger/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountConfig } from '../../src/config/schema.js';
import { systemClock } from '../../src/core/clock.js';
import { backupSources } from '../../src/providers/registry.js';
import type { PollTarget } from '../../src/providers/types.js';
import { spawnCli, tempDir } from '../helpers/cli.js';
import { collectPages, testProviderContext } from '../helpers/provider-context.js';

// Issue 3's "done when", with real processes: `simulate` serves a scripted fleet file over all five
// APIs and writes the config; `run-once` polls one target per API (and one that is gone) and
// `status --json` must show exactly the scripted findings. Then the official Alibaba and Huawei SDK
// clients, pointed at the same simulator, must list the same backup ids as our adapters.

const ALI = { ak: 'LTAI5tE2eFiveApis01', sk: 'e2e-five-ali-secret-3Jw9' };
const UC = { publicKey: 'e2e-five@example.invalid1296235120854146120', privateKey: '0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c' };
const OTC = {
  ak: 'OTCE2EFIVEAPISAK0001',
  sk: 'otcE2eFiveApisSecretKey00000000000000001',
  project: '0483b6b16e954cb88930a360d2c4e663',
  password: 'E2e-otc-password-77',
};
const HW = { ak: 'HWE2EFIVEAPISAK00001', sk: 'hwE2eFiveApisSecretKey000000000000000002', project: '77b6a44cba5143ab91d13ab9a8ff44fd' };
const OTC_RDS = '5f2a9c1e7b3d4f6a8c0e2b4d6f8a1c3ein01';
const HW_DDS = '9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4bin02';

const FLEET = `
accounts:
  - { name: ali, cloud: aliyun, region: cn-hangzhou, accessKeyId: ${ALI.ak}, accessKeySecret: ${ALI.sk}, signatureVersion: v3 }
  - { name: uc, cloud: ucloud, accessKeyId: "${UC.publicKey}", accessKeySecret: "${UC.privateKey}" }
  - { name: otc, cloud: otc, region: eu-de, projectId: "${OTC.project}", accessKeyId: ${OTC.ak}, accessKeySecret: ${OTC.sk},
      password: { domain: acme, user: auditor, password: ${OTC.password} }, auth: password }
  - { name: hw, cloud: huaweicloud, region: ap-southeast-1, projectId: "${HW.project}", accessKeyId: ${HW.ak}, accessKeySecret: ${HW.sk} }
instances:
  - id: rm-e2e-orders
    account: ali
    service: rds
    target: orders-ali
    story: tonight's backup failed
    backups: [{ status: failed, startedAt: now-3h, size: 0 }]
    series: [{ every: 12h, count: 20, lastEnd: now-14h, size: 5GiB }]
  - { id: rm-e2e-gone, account: ali, service: rds, target: gone-ali, missing: true }
  - id: upgsql-e2e01
    account: uc
    service: upgsql
    region: cn-bj2
    zone: cn-bj2-04
    target: billing-pg
    series: [{ every: 12h, count: 20, lastEnd: now-33h, size: 2GiB }]
  - id: tidb-e2e01
    account: uc
    service: tidb
    region: cn-bj2
    target: search-tidb
    backups: [{ status: running, startedAt: now-8h }]
    series: [{ every: 12h, count: 20, lastEnd: now-18h, size: 3GiB }]
  - id: ${OTC_RDS}
    account: otc
    service: rds
    target: crm-rds
    backups: [{ status: completed, startedAt: now-3h, size: 100MiB }]
    series: [{ every: 12h, count: 20, lastEnd: now-15h, size: 4GiB }]
  - id: ${HW_DDS}
    account: hw
    service: dds
    target: catalog-dds
    series: [{ every: 12h, count: 20, lastEnd: now-2h, size: 6GiB }]
`;

// `simulate` makes every account discover, so the gone instance's target also fails `coverage` (not listed).
const EXPECTED_ALARMS = [
  'billing-pg/recent-success',
  'crm-rds/size-anomaly',
  'gone-ali/coverage',
  'gone-ali/target-missing',
  'orders-ali/failed-backup',
  'search-tidb/stuck-running',
];

interface Finding {
  target: string;
  rule: string;
  state: string;
}

describe('run-once over all five APIs, against `simulate --fleet`', () => {
  let dir: string;
  let cleanup: () => void;
  let simulator: ReturnType<typeof spawnCli>;
  let url: string;

  beforeAll(async () => {
    ({ dir, cleanup } = tempDir('ba-e2e-five-'));
    writeFileSync(join(dir, 'fleet.yaml'), FLEET);
    // Paths are absolute: the child runs in the project (where tsx resolves), the config and database live in `dir`.
    simulator = spawnCli(['simulate', '--port', '0', '--fleet', join(dir, 'fleet.yaml'), '--config-out', join(dir, 'backup-auditor.yaml')]);
    url = await new Promise<string>((resolve, reject) => {
      let stderr = '';
      const timer = setTimeout(() => reject(new Error(`simulate did not start: ${stderr}`)), 20_000);
      simulator.stderr?.on('data', (d: Buffer) => {
        stderr += d.toString();
        const m = /simulator listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
        if (m) {
          clearTimeout(timer);
          resolve(m[1] as string);
        }
      });
      simulator.on('exit', () => reject(new Error(`simulate exited: ${stderr}`)));
    });
  });
  afterAll(async () => {
    simulator?.kill('SIGTERM');
    await simulator?.result;
    cleanup?.();
  });

  const cli = (...args: string[]) => spawnCli(['--config', join(dir, 'backup-auditor.yaml'), ...args]).result;

  it('yields exactly the scripted findings per target, and nothing that could not be judged except for the gone instance', async () => {
    const run = await cli('run-once');
    expect(run.stderr).not.toMatch(/error:/);
    expect(run.code).toBe(1);

    const status = await cli('status', '--json');
    const findings = JSON.parse(status.stdout) as Finding[];
    expect(
      findings
        .filter((f) => f.state === 'alarm')
        .map((f) => `${f.target}/${f.rule}`)
        .sort(),
    ).toEqual(EXPECTED_ALARMS);
    expect(new Set(findings.filter((f) => f.state === 'error').map((f) => f.target))).toEqual(new Set(['gone-ali']));
    expect(new Set(findings.map((f) => f.target))).toEqual(
      new Set(['orders-ali', 'gone-ali', 'billing-pg', 'search-tidb', 'crm-rds', 'catalog-dds']),
    );
  });

  /** Our registered adapter's ids for one instance (the simulator runs on the real clock, as the SDKs sign with it). */
  const ours = async (account: AccountConfig, target: PollTarget): Promise<string[]> => {
    const adapter = backupSources.get(`${account.cloud}/${target.service}`);
    const pages = await collectPages(adapter.list(account, 'e2e', target, testProviderContext({ clock: systemClock })));
    return pages.flatMap((p) => p.items.map((b) => b.backupId));
  };

  it('lists, through pop-core (v1) and rds20140815 (v3), the Alibaba backup ids our adapter lists with v1 and v3', async () => {
    const pop = new RPCClient({ accessKeyId: ALI.ak, accessKeySecret: ALI.sk, endpoint: url, apiVersion: '2014-08-15' });
    const popPage = await pop.request<{ Items: { Backup: { BackupId: number }[] } }>(
      'DescribeBackups',
      { RegionId: 'cn-hangzhou', DBInstanceId: 'rm-e2e-orders', PageSize: 100 },
      { method: 'GET' },
    );
    const RdsClient = ('default' in rds ? rds.default : rds) as typeof rds.default;
    const v3Client = new RdsClient(
      new $OpenApi.$OpenApiUtil.Config({
        accessKeyId: ALI.ak,
        accessKeySecret: ALI.sk,
        endpoint: new URL(url).host,
        protocol: 'http',
        regionId: 'cn-hangzhou',
      }),
    );
    const v3Page = await v3Client.describeBackups(new $Rds.DescribeBackupsRequest({ DBInstanceId: 'rm-e2e-orders', pageSize: 100 }));
    const account = (signatureVersion: 'v1' | 'v3'): AccountConfig => ({
      cloud: 'aliyun',
      regionId: 'cn-hangzhou',
      accessKeyId: ALI.ak,
      accessKeySecret: ALI.sk,
      endpoint: url,
      signatureVersion,
    });
    const target = { id: 'orders-ali', service: 'rds', instance: 'rm-e2e-orders' };

    const popIds = popPage.Items.Backup.map((b) => String(b.BackupId));
    expect(popIds).toHaveLength(21);
    expect((v3Page.body?.items?.backup ?? []).map((b) => String(b.backupId))).toEqual(popIds);
    expect(await ours(account('v1'), target)).toEqual(popIds);
    expect(await ours(account('v3'), target)).toEqual(popIds);
  });

  it('lists, through the Huawei SDK (HcClient, AK/SK), the OTC RDS and DDS backup ids our adapters list (OTC by IAM token)', async () => {
    const hcIds = async (ak: string, sk: string, project: string, instance: string): Promise<string[]> => {
      const quiet = { debug() {}, info() {}, warn() {}, error() {}, setLevel() {}, getLevel: () => LogLevel.ERROR, setName() {} };
      const client = new HcClient(new DefaultHttpClient({ logger: quiet }, [url]))
        .withCredential(new BasicCredentials().withAk(ak).withSk(sk).withProjectId(project))
        .withEndpoints([url]);
      const res = await client.sendRequest<{ httpStatusCode?: number; backups: { id: string }[] }>({
        method: 'GET',
        url: '/v3/{project_id}/backups',
        contentType: 'application/json',
        pathParams: {},
        queryParams: { instance_id: instance, offset: 0, limit: 100 },
        headers: {},
      });
      return res.backups.map((b) => b.id);
    };
    const otc: AccountConfig = {
      cloud: 'otc',
      region: 'eu-de',
      projectId: OTC.project,
      auth: { type: 'password', domain: 'acme', user: 'auditor', password: OTC.password },
      endpoint: url,
      iamEndpoint: url,
    };
    const hw: AccountConfig = {
      cloud: 'huaweicloud',
      region: 'ap-southeast-1',
      projectId: HW.project,
      auth: { type: 'aksk', accessKey: HW.ak, secretKey: HW.sk },
      endpoint: url,
    };

    const otcIds = await hcIds(OTC.ak, OTC.sk, OTC.project, OTC_RDS);
    const ddsIds = await hcIds(HW.ak, HW.sk, HW.project, HW_DDS);

    expect(otcIds).toHaveLength(21);
    expect(ddsIds).toHaveLength(20);
    expect(await ours(otc, { id: 'crm-rds', service: 'rds', instance: OTC_RDS })).toEqual(otcIds);
    expect(await ours(hw, { id: 'catalog-dds', service: 'dds', instance: HW_DDS })).toEqual(ddsIds);
  });

  it('stops serving on SIGTERM and exits 0', async () => {
    simulator.kill('SIGTERM');
    const result = await simulator.result;

    expect(result.code).toBe(0);
    expect(result.stdout).toBe(''); // the config went to --config-out
  });
});
