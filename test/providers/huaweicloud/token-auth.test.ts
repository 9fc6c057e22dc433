import { afterEach, describe, expect, it } from 'vitest';
import { manualClock } from '../../../src/core/clock.js';
import { IamTokenCache } from '../../../src/providers/huaweicloud/iam.js';
import { createOtcRdsBackups } from '../../../src/providers/huaweicloud/otc-rds-backups.js';
import type { PollTarget } from '../../../src/providers/types.js';
import { type HuaweiTestSim, huaweiSimulator, OTC_LOGIN, SIM_NOW } from '../../helpers/huawei-sim.js';
import { collectPages, testProviderContext } from '../../helpers/provider-context.js';
import { listingError } from '../../helpers/rejection.js';

const target: PollTarget = { id: 'orders', service: 'rds', instance: 'rds-big' };
const MINUTE = 60_000;

describe('OTC RDS with IAM password token auth against the simulator', () => {
  let s: HuaweiTestSim;
  afterEach(async () => {
    await s.sim.close();
  });

  it('fetches one token and reuses it across pages and polls', async () => {
    s = await huaweiSimulator({ rds: { 'rds-big': 250 } });
    const tokens = new IamTokenCache();
    const rds = createOtcRdsBackups({ tokens });
    const ctx = testProviderContext({ clock: s.clock });

    await collectPages(rds.list(s.otcPassword, 'otc-prod', target, ctx));
    s.clock.advance(30 * MINUTE);
    const second = await collectPages(rds.list(s.otcPassword, 'otc-prod', target, ctx));

    expect(second.flatMap((p) => p.items)).toHaveLength(250);
    expect(s.sim.requests.count('huaweicloud/iam')).toBe(1);
    expect(tokens.requested).toBe(1);
    expect(s.sim.requests.of('otc/rds').map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
  });

  it('authenticates again once when the token was revoked, then lists everything', async () => {
    s = await huaweiSimulator({ rds: { 'rds-big': 250 } });
    const rds = createOtcRdsBackups();
    const ctx = testProviderContext({ clock: s.clock });
    await collectPages(rds.list(s.otcPassword, 'otc-prod', target, ctx));

    expect(s.huawei.tokens.revokeAll()).toBe(1);
    const pages = await collectPages(rds.list(s.otcPassword, 'otc-prod', target, ctx));

    expect(pages.flatMap((p) => p.items)).toHaveLength(250);
    expect(s.sim.requests.count('huaweicloud/iam')).toBe(2);
    expect(s.sim.requests.of('otc/rds').map((r) => r.status)).toEqual([200, 200, 200, 401, 200, 200, 200]);
    expect(ctx.waits).toEqual([]);
  });

  it('authenticates again once when the gateway says the token must be updated (APIG.0307)', async () => {
    s = await huaweiSimulator({ rds: { 'rds-big': 3 } }, { tokenTtlMs: 10 * MINUTE });
    const rds = createOtcRdsBackups();
    // The auditor's clock lags the provider's, so it still trusts a token the gateway has expired.
    const ctx = testProviderContext({ clock: manualClock(SIM_NOW) });
    await collectPages(rds.list(s.otcPassword, 'otc-prod', target, ctx));

    s.clock.advance(11 * MINUTE);
    const pages = await collectPages(rds.list(s.otcPassword, 'otc-prod', target, ctx));

    expect(pages.flatMap((p) => p.items)).toHaveLength(3);
    expect(s.sim.requests.count('huaweicloud/iam')).toBe(2);
    expect(s.sim.requests.of('otc/rds').map((r) => r.status)).toEqual([200, 401, 200]);
  });

  it('replaces a token shortly before it expires without waiting for a refusal', async () => {
    s = await huaweiSimulator({ rds: { 'rds-big': 3 } });
    const rds = createOtcRdsBackups();
    const ctx = testProviderContext({ clock: s.clock });
    await collectPages(rds.list(s.otcPassword, 'otc-prod', target, ctx));

    s.clock.advance(24 * 60 * MINUTE - 4 * MINUTE); // inside the 5-minute refresh margin
    await collectPages(rds.list(s.otcPassword, 'otc-prod', target, ctx));

    expect(s.sim.requests.count('huaweicloud/iam')).toBe(2);
    expect(s.sim.requests.of('otc/rds').map((r) => r.status)).toEqual([200, 200]);
  });

  it('gives up as auth after one re-authentication when the gateway keeps refusing tokens', async () => {
    s = await huaweiSimulator({ rds: { 'rds-big': 3 } });
    const rds = createOtcRdsBackups();
    // Garbles the token on its way to the gateway, as a proxy stripping or rewriting headers would.
    const garble: typeof fetch = (input, init) => {
      const headers = new Headers(init?.headers);
      if (headers.has('x-auth-token')) headers.set('x-auth-token', 'not-a-token');
      return globalThis.fetch(input, { ...init, headers });
    };
    const ctx = testProviderContext({ clock: s.clock, fetch: garble });

    const err = await listingError(collectPages(rds.list(s.otcPassword, 'otc-prod', target, ctx)));

    expect(err).toMatchObject({ kind: 'auth', code: 'APIG.0301', permanent: true });
    expect(s.sim.requests.count('huaweicloud/iam')).toBe(2);
    expect(s.sim.requests.count('otc/rds')).toBe(2);
  });

  it('fails permanently as auth with a wrong password, without the password in the message', async () => {
    s = await huaweiSimulator({ rds: { 'rds-big': 3 } });
    const rds = createOtcRdsBackups();
    const ctx = testProviderContext({ clock: s.clock });
    const wrong = 'Wrong-pass!word-77';
    const account = {
      ...s.otcPassword,
      auth: { type: 'password' as const, domain: OTC_LOGIN.domain, user: OTC_LOGIN.user, password: wrong },
    };

    const err = await listingError(collectPages(rds.list(account, 'otc-prod', target, ctx)));

    expect(err).toMatchObject({ kind: 'auth', permanent: true, httpStatus: 401 });
    expect(err.message).toMatch(/^otc rds IAM 401: Unauthorized: The username or password is wrong\./);
    expect(err.message).not.toContain(wrong);
    expect(err.message).not.toContain(OTC_LOGIN.password);
    expect(s.sim.requests.count('huaweicloud/iam')).toBe(1);
    expect(s.sim.requests.count('otc/rds')).toBe(0);
  });

  it('retries a throttled token request like any other call', async () => {
    s = await huaweiSimulator({ rds: { 'rds-big': 3 } });
    s.sim.faults.failNext(1, 'throttle', { api: 'huaweicloud/iam' });
    const ctx = testProviderContext({ clock: s.clock });

    const pages = await collectPages(createOtcRdsBackups().list(s.otcPassword, 'otc-prod', target, ctx));

    expect(pages.flatMap((p) => p.items)).toHaveLength(3);
    expect(s.sim.requests.of('huaweicloud/iam').map((r) => r.status)).toEqual([429, 201]);
    expect(ctx.waits).toHaveLength(1);
  });

  it('shares one token request between polls that start together', async () => {
    s = await huaweiSimulator({ rds: { 'rds-big': 3, 'rds-two': 2 } });
    const rds = createOtcRdsBackups();
    const ctx = testProviderContext({ clock: s.clock });

    await Promise.all([
      collectPages(rds.list(s.otcPassword, 'otc-prod', target, ctx)),
      collectPages(rds.list(s.otcPassword, 'otc-prod', { ...target, id: 'two', instance: 'rds-two' }, ctx)),
    ]);

    expect(s.sim.requests.count('huaweicloud/iam')).toBe(1);
  });
});
