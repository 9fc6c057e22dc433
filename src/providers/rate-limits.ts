import type { AccountConfig, Cloud, Config } from '../config/schema.js';
import type { RateLimiter } from '../queue/types.js';

/**
 * Requests per second per account when the config sets none: below each provider's published or
 * observed API quota, so a fleet scan never trips the provider's own throttling.
 */
export const DEFAULT_RATE_PER_SECOND: Record<Cloud, number> = {
  aliyun: 10, // RDS OpenAPI flow control is per API and user; DescribeBackups sits well above this
  ucloud: 10,
  otc: 5, // API Gateway default throttling for IAM users
  huaweicloud: 5,
};

export const ratePerSecond = (account: AccountConfig): number => account.rateLimit?.perSecond ?? DEFAULT_RATE_PER_SECOND[account.cloud];

/** Waits on `limiter` for an account's turn at its rate (configured or default); keyed like the daemon's, `account:<name>`. */
export function accountThrottle(accounts: Config['accounts'], limiter: RateLimiter): (account: string) => Promise<void> {
  return (name) => {
    const account = accounts[name];
    return limiter.acquire(`account:${name}`, account ? ratePerSecond(account) : 1);
  };
}
