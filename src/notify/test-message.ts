import type { Digest } from './types.js';

/** Where a `notify test` message comes from, so whoever receives it can tell which setup sent it. */
export interface TestOrigin {
  /** The channel's name in the config. */
  readonly channel: string;
  /** The config file's absolute path. */
  readonly configPath: string;
  readonly host: string;
}

/**
 * The digest `notify test` sends: a single `test` item that every renderer marks as a test (subject
 * and Slack header "TEST message", webhook `kind: "test"` and `test: true`), naming the config and
 * channel that sent it and saying that no action is needed.
 */
export function testDigest(origin: TestOrigin, now: number): Digest {
  const reason =
    `This is a test message sent by "backup-auditor notify test ${origin.channel}" on ${origin.host}, ` +
    `using the config ${origin.configPath}, channel "${origin.channel}". ` +
    'It shows that alerts reach this channel. No action is needed.';
  return {
    channel: origin.channel,
    createdAt: now,
    items: [
      { kind: 'test', targetId: 'backup-auditor', ruleId: 'notify-test', severity: 'info', state: 'ok', reason, since: now, labels: {} },
    ],
  };
}
