import { describe, expect, it } from 'vitest';
import { renderHtml, renderText, subject } from '../../src/notify/render.js';
import { slackPayload } from '../../src/notify/slack-format.js';
import { testDigest } from '../../src/notify/test-message.js';
import { alertItem, digest, NOW } from '../helpers/alerts.js';

const test = testDigest({ channel: 'oncall-mail', configPath: '/etc/backup-auditor.yaml', host: 'ops-1' }, NOW);

describe('a notify test message', () => {
  it('says in the mail subject that it is a test', () => {
    expect(subject(test, '[backup-auditor]')).toBe('[backup-auditor] TEST message from backup-auditor');
  });

  it('names the config, channel and host in the text body and says no action is needed', () => {
    const text = renderText(test);
    expect(text).toContain('backup-auditor: TEST message from backup-auditor');
    expect(text).toContain('[TEST]');
    expect(text).toContain('config /etc/backup-auditor.yaml, channel "oncall-mail"');
    expect(text).toContain('on ops-1');
    expect(text).toContain('No action is needed.');
    expect(text).not.toMatch(/FIRING|RESOLVED|CRITICAL/);
  });

  it('is marked TEST in the HTML body, with the quotes of its text escaped', () => {
    const html = renderHtml(test);
    expect(html).toContain('<title>backup-auditor: TEST message from backup-auditor</title>');
    expect(html).toContain('>TEST</span>');
    expect(html).toContain('channel &quot;oncall-mail&quot;');
  });

  it('has a Slack header and item that read as a test', () => {
    const payload = slackPayload(test);
    expect(payload.blocks[0]).toMatchObject({ type: 'header', text: { text: 'backup-auditor: TEST message from backup-auditor' } });
    expect(payload.text).toContain('TEST message');
    const section = payload.blocks.find((b) => b.type === 'section');
    expect(section && section.type === 'section' ? section.text.text : '').toMatch(/^:test_tube: \*TEST\*/);
  });

  it('never changes how a real alert digest is summarised', () => {
    expect(subject(digest([alertItem(), ...test.items]), '[ba]')).toBe('[ba] CRITICAL: 1 firing');
  });
});
