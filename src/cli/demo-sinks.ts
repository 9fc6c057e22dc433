import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A mail as the demo's local SMTP server received it. */
export interface DemoMail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
}

/** A local SMTP server on 127.0.0.1 that keeps what it receives: the demo's stand-in for a mail relay. */
export async function startMailSink(): Promise<{ port: number; mails: DemoMail[]; close(): Promise<void> }> {
  const mails: DemoMail[] = [];
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    onData(stream, session, done) {
      simpleParser(stream).then(
        (m) => {
          mails.push({ to: session.envelope.rcptTo.map((r) => r.address).join(', '), subject: m.subject ?? '', text: m.text ?? '' });
          done();
        },
        (err: Error) => done(err),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { port, mails, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** A local HTTP server that answers like a Slack incoming webhook (`200 ok`) and keeps the payloads. */
export async function startSlackSink(): Promise<{ url: string; payloads: unknown[]; close(): Promise<void> }> {
  const payloads: unknown[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        payloads.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      } catch {
        res.writeHead(400, { 'content-type': 'text/plain' }).end('invalid_payload');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/services/T000DEMO/B000DEMO/demo-token`,
    payloads,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The readable lines of a Slack Block Kit payload, for printing in a terminal. */
export function slackLines(payload: unknown): string[] {
  const p = payload as { text?: string; blocks?: { text?: { text?: string }; elements?: { text?: string }[] }[] };
  const lines: string[] = [];
  for (const b of p.blocks ?? []) {
    if (b.text?.text) lines.push(b.text.text);
    for (const e of b.elements ?? []) if (e.text) lines.push(e.text);
  }
  return (lines.length > 0 ? lines : [p.text ?? '']).map((l) => l.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'));
}
