import { describe, expect, it } from 'vitest';
import { loadConfigText } from '../../src/config/load.js';
import { configSnapshot, configSnapshotHash, LITERAL_SECRET } from '../../src/config/snapshot.js';

const config = (secret: string, extra = '') =>
  loadConfigText(
    `accounts:
  ali: { cloud: aliyun, regionId: cn-hangzhou, accessKeyId: { env: ALI_AK }, accessKeySecret: ${secret} }
targets:
  - { id: orders, account: ali, service: rds, instance: rm-1${extra} }
`,
    '/tmp/snapshot.yaml',
    { checkSecrets: false },
  );

describe('the config snapshot the evidence chain records', () => {
  it('keeps secret references and never a secret written literally', () => {
    const snapshot = configSnapshot(config('hunter2-literal-secret'));
    expect(snapshot).not.toContain('hunter2-literal-secret');
    expect(snapshot).toContain(`"accessKeySecret":"${LITERAL_SECRET}"`);
    expect(snapshot).toContain('"accessKeyId":{"env":"ALI_AK"}');
  });

  it('hashes the same config the same, and a changed one differently', () => {
    const a = configSnapshotHash(config('{ env: ALI_SK }'));
    expect(configSnapshotHash(config('{ env: ALI_SK }'))).toBe(a);
    expect(configSnapshotHash(config('{ env: ALI_SK }', ', labels: { tier: gold }'))).not.toBe(a);
    // A changed secret value is not a config change: only its reference is recorded.
    expect(configSnapshotHash(config('one-literal'))).toBe(configSnapshotHash(config('another-literal')));
  });
});
