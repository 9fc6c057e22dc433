import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmailNotifier, type EmailChannel, emailNotifier, type MailTransport } from '../../src/notify/email.js';
import { alertItem, deliveryError, digest, notifyContext } from '../helpers/alerts.js';
import { closedPort } from '../helpers/ports.js';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js';

const PASSWORD = 's3cr3t-p@ss:word';
const USER = 'auditor';

function channel(smtp: string, over: Partial<EmailChannel> = {}): EmailChannel {
  return {
    type: 'email',
    smtp,
    from: 'backup-auditor@example.com',
    to: ['dba@example.com'],
    cc: [],
    subjectPrefix: '[backup-auditor]',
    requireTls: false,
    tlsRejectUnauthorized: true,
    ...over,
  };
}

let sink: SmtpSink | undefined;
afterEach(async () => {
  await sink?.close();
  sink = undefined;
});

describe('email notifier over a real SMTP server', () => {
  const items = [
    alertItem({ targetId: 'orders-pg', ruleId: 'recent-success', severity: 'warning' }),
    alertItem({ targetId: 'billing-db', ruleId: 'failed-backup', severity: 'critical' }),
    alertItem({ kind: 'resolved', targetId: 'crm-db', ruleId: 'stuck-running', severity: 'info' }),
  ];

  it('delivers one message whose subject, text and HTML name every target and rule', async () => {
    sink = await startSmtpSink({ auth: { user: USER, pass: PASSWORD } });
    await emailNotifier.send(digest(items), channel(sink.url, { cc: ['lead@example.com'] }), 'oncall-mail', notifyContext());

    expect(sink.messages).toHaveLength(1);
    const mail = sink.messages[0]!;
    expect(mail.envelope.to).toEqual(['dba@example.com', 'lead@example.com']);
    expect(mail.parsed.subject).toBe('[backup-auditor] CRITICAL: 2 firing, 1 resolved');
    expect(mail.parsed.headers.get('auto-submitted')).toBe('auto-generated');
    const text = mail.parsed.text ?? '';
    const html = typeof mail.parsed.html === 'string' ? mail.parsed.html : '';
    for (const name of ['orders-pg', 'billing-db', 'crm-db', 'recent-success', 'failed-backup', 'stuck-running']) {
      expect(text).toContain(name);
      expect(html).toContain(name);
    }
    expect(text.indexOf('billing-db')).toBeLessThan(text.indexOf('orders-pg'));
    expect(text.indexOf('orders-pg')).toBeLessThan(text.indexOf('crm-db'));
  });

  it('delivers hostile provider text escaped and truncated in the HTML part', async () => {
    sink = await startSmtpSink();
    const hostile = alertItem({
      targetId: 'db-"quotes"',
      reason: `<script>alert(1)</script> "quotes" 🔥 ${'y'.repeat(5000)}`,
      labels: { owner: "<b>o'neil</b>" },
    });
    await emailNotifier.send(digest([hostile]), channel(sink.url), 'oncall-mail', notifyContext());

    const html = String(sink.messages[0]?.parsed.html);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &quot;quotes&quot; 🔥');
    expect(html).toContain('db-&quot;quotes&quot;');
    expect(html).toContain('&lt;b&gt;o&#39;neil&lt;/b&gt;');
    expect(html).toContain('y…');
    expect(html).not.toContain('y'.repeat(2000));
  });

  it('closes its connection after sending', async () => {
    sink = await startSmtpSink();
    await emailNotifier.send(digest(items), channel(sink.url), 'oncall-mail', notifyContext());
    await expect.poll(() => sink?.openConnections(), { timeout: 1000 }).toBe(0);
  });

  it('turns a 550 recipient rejection into a permanent error that quotes the server but not the password', async () => {
    sink = await startSmtpSink({ auth: { user: USER, pass: PASSWORD }, reject: { code: 550, text: 'mailbox unavailable' } });
    const err = await deliveryError(emailNotifier.send(digest(items), channel(sink.url), 'oncall-mail', notifyContext()));

    expect(err.permanent).toBe(true);
    expect(err.message).toMatch(new RegExp(`^email via 127\\.0\\.0\\.1:${sink.port}: 550 mailbox unavailable`));
    for (const secret of [PASSWORD, encodeURIComponent(PASSWORD), sink.url]) expect(err.message).not.toContain(secret);
    expect(sink.messages).toHaveLength(0);
  });

  it('turns rejected credentials (535) into a permanent error without the password', async () => {
    sink = await startSmtpSink({ auth: { user: USER, pass: 'the-real-one' } });
    const err = await deliveryError(
      emailNotifier.send(
        digest(items),
        channel(sink.url.replace('smtp://', `smtp://${USER}:${encodeURIComponent(PASSWORD)}@`)),
        'm',
        notifyContext(),
      ),
    );

    expect(err.permanent).toBe(true);
    expect(err.message).toContain('535');
    expect(err.message).not.toContain(PASSWORD);
    expect(err.message).not.toContain(encodeURIComponent(PASSWORD));
  });

  it('treats a 4xx answer as transient', async () => {
    sink = await startSmtpSink({ reject: { code: 450, text: 'mailbox busy, try later' } });
    const err = await deliveryError(emailNotifier.send(digest(items), channel(sink.url), 'oncall-mail', notifyContext()));
    expect(err.permanent).toBe(false);
    expect(err.message).toContain('450 mailbox busy, try later');
  });

  it('treats a refused connection as transient and names only host and port', async () => {
    const port = await closedPort();
    const url = `smtp://${USER}:${encodeURIComponent(PASSWORD)}@127.0.0.1:${port}`;
    const err = await deliveryError(emailNotifier.send(digest(items), channel(url), 'oncall-mail', notifyContext()));

    expect(err.permanent).toBe(false);
    expect(err.message).toMatch(new RegExp(`^email via 127\\.0\\.0\\.1:${port}: `));
    expect(err.message).not.toContain(encodeURIComponent(PASSWORD));
    expect(err.message).not.toContain(PASSWORD);
  });

  it('refuses, permanently and naming STARTTLS, to send in clear text when the channel requires TLS', async () => {
    sink = await startSmtpSink({ auth: { user: USER, pass: PASSWORD } });
    const err = await deliveryError(
      emailNotifier.send(digest(items), channel(sink.url, { requireTls: true }), 'oncall-mail', notifyContext()),
    );

    expect(err.permanent).toBe(true);
    expect(err.message).toMatch(
      new RegExp(`^email via 127\\.0\\.0\\.1:${sink.port}: server refused STARTTLS, which the channel requires \\(requireTls\\)`),
    );
    for (const secret of [PASSWORD, encodeURIComponent(PASSWORD), sink.url]) expect(err.message).not.toContain(secret);
    expect(sink.messages).toHaveLength(0);
  });

  it('still sends over a server without STARTTLS when the channel does not require TLS', async () => {
    sink = await startSmtpSink();
    await emailNotifier.send(digest(items), channel(sink.url, { requireTls: false }), 'oncall-mail', notifyContext());
    expect(sink.messages).toHaveLength(1);
  });

  it('delivers over STARTTLS when the channel requires TLS and accepts the relay’s self-signed certificate', async () => {
    sink = await startSmtpSink({ tls: 'starttls', auth: { user: USER, pass: PASSWORD } });
    await emailNotifier.send(
      digest(items),
      channel(sink.url, { requireTls: true, tlsRejectUnauthorized: false }),
      'oncall-mail',
      notifyContext(),
    );

    expect(sink.messages).toHaveLength(1);
    expect(sink.messages[0]!.secure).toBe(true);
    expect(sink.messages[0]!.parsed.subject).toBe('[backup-auditor] CRITICAL: 2 firing, 1 resolved');
  });

  it('upgrades with STARTTLS when the server offers it, even when the channel does not require TLS', async () => {
    sink = await startSmtpSink({ tls: 'starttls' });
    await emailNotifier.send(digest(items), channel(sink.url, { tlsRejectUnauthorized: false }), 'oncall-mail', notifyContext());

    expect(sink.messages).toHaveLength(1);
    expect(sink.messages[0]!.secure).toBe(true);
  });

  it('delivers over implicit TLS to an smtps:// URL', async () => {
    sink = await startSmtpSink({ tls: 'implicit', auth: { user: USER, pass: PASSWORD } });
    expect(sink.url).toMatch(/^smtps:\/\//);
    await emailNotifier.send(digest(items), channel(sink.url, { tlsRejectUnauthorized: false }), 'oncall-mail', notifyContext());

    expect(sink.messages).toHaveLength(1);
    expect(sink.messages[0]!.secure).toBe(true);
    expect(sink.messages[0]!.envelope.to).toEqual(['dba@example.com']);
  });

  it('refuses the relay’s unverifiable certificate by default, naming the server and not the password, and sends nothing', async () => {
    sink = await startSmtpSink({ tls: 'starttls', auth: { user: USER, pass: PASSWORD } });
    const err = await deliveryError(
      emailNotifier.send(digest(items), channel(sink.url, { requireTls: true }), 'oncall-mail', notifyContext()),
    );

    expect(err.message).toMatch(new RegExp(`^email via 127\\.0\\.0\\.1:${sink.port}: .*certificate`, 'i'));
    for (const secret of [PASSWORD, encodeURIComponent(PASSWORD), sink.url]) expect(err.message).not.toContain(secret);
    expect(sink.messages).toHaveLength(0);
  });

  it('gives up on a server that accepts the connection but never greets, within the context timeout', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const started = Date.now();
      const err = await deliveryError(
        emailNotifier.send(digest(items), channel(`smtp://127.0.0.1:${port}`), 'oncall-mail', notifyContext({ timeoutMs: 300 })),
      );
      expect(err.permanent).toBe(false);
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      silent.close();
    }
  });

  it('rejects a channel whose SMTP setting is not an smtp URL, permanently and without echoing it', async () => {
    const err = await deliveryError(
      emailNotifier.send(digest(items), channel(`https://${USER}:${PASSWORD}@x`), 'oncall-mail', notifyContext()),
    );
    expect(err.permanent).toBe(true);
    expect(err.message).toBe('channels.oncall-mail.smtp must be an smtp:// or smtps:// URL');
  });
});

describe('email notifier transport handling', () => {
  it('passes the context timeout to the transport and closes it even when sending fails', async () => {
    const seen: { options?: unknown; closed: boolean } = { closed: false };
    const notifier = createEmailNotifier((options) => {
      seen.options = options;
      const transport: MailTransport = {
        sendMail: () => Promise.reject(Object.assign(new Error('Connection timeout'), { code: 'ETIMEDOUT' })),
        close: () => {
          seen.closed = true;
        },
      };
      return transport;
    });
    const err = await deliveryError(
      notifier.send(digest([alertItem()]), channel('smtps://mail.example.com'), 'm', notifyContext({ timeoutMs: 1234 })),
    );

    expect(err.permanent).toBe(false);
    expect(err.message).toBe('email via mail.example.com:465: timed out (Connection timeout)');
    expect(seen.options).toMatchObject({ connectionTimeout: 1234, greetingTimeout: 1234, socketTimeout: 1234 });
    expect(seen.closed).toBe(true);
  });

  it('maps requireTls and tlsRejectUnauthorized to nodemailer options, leaving implicit TLS to smtps://', async () => {
    const seen: unknown[] = [];
    const notifier = createEmailNotifier((options) => {
      seen.push(options);
      return { sendMail: () => Promise.resolve({ rejected: [], messageId: '<x@y>' } as never), close: () => undefined };
    });
    await notifier.send(
      digest([alertItem()]),
      channel('smtp://relay.example.com:587', { requireTls: true, tlsRejectUnauthorized: false }),
      'm',
      notifyContext(),
    );
    await notifier.send(digest([alertItem()]), channel('smtps://relay.example.com'), 'm', notifyContext());

    expect(seen[0]).toMatchObject({ url: 'smtp://relay.example.com:587', requireTLS: true, tls: { rejectUnauthorized: false } });
    expect(seen[1]).toMatchObject({ url: 'smtps://relay.example.com', requireTLS: false, tls: { rejectUnauthorized: true } });
  });
});
