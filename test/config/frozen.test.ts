import { describe, expect, it } from 'vitest';
import { loadConfigText } from '../../src/config/load.js';

// The loaded config is shared by every part of a running daemon: none may change it under the others.

const loaded = () =>
  loadConfigText(
    `accounts:
  ali: { cloud: aliyun, regionId: cn-hangzhou, accessKeyId: { env: ALI_AK }, accessKeySecret: { env: ALI_SK } }
channels:
  mail: { type: email, smtp: { env: SMTP }, from: a@example.com, to: [b@example.com] }
profiles:
  - { match: { env: staging }, rules: { recent-success: { maxAge: 48h } } }
targets:
  - { id: orders, account: ali, service: rds, instance: rm-1, labels: { env: staging }, rules: { retention: { minCount: 3 } } }
`,
    '/tmp/frozen.yaml',
    { checkSecrets: false },
  );

describe('the loaded config', () => {
  it('is frozen all the way down: objects, lists and the objects in lists', () => {
    const { config } = loaded();
    const target = config.targets[0];
    for (const value of [
      config,
      config.accounts,
      config.accounts.ali,
      config.channels.mail,
      config.profiles,
      config.profiles[0]?.match,
      config.targets,
      target,
      target?.labels,
      target?.rules,
      target?.rules.retention,
    ])
      expect(Object.isFrozen(value), JSON.stringify(value)).toBe(true);
  });
});
