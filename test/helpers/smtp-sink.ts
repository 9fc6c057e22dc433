import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** One message as the sink received it. */
export interface ReceivedMail {
  readonly envelope: { readonly from: string; readonly to: readonly string[] };
  readonly raw: string;
  readonly parsed: ParsedMail;
  /** Whether the session was encrypted (implicit TLS, or upgraded with STARTTLS) when the message came. */
  readonly secure: boolean;
}

export interface SmtpSinkOptions {
  /** Answer RCPT TO with this code (e.g. 550 or 450), for `addresses` or for every recipient. */
  readonly reject?: { readonly code: number; readonly text?: string; readonly addresses?: readonly string[] };
  /** Require AUTH with exactly these credentials; anything else gets 535. */
  readonly auth?: { readonly user: string; readonly pass: string };
  /** Listen on this port (say, one a client already failed to reach) instead of a random one. */
  readonly port?: number;
  /**
   * `starttls`: offer STARTTLS on a plain connection; `implicit`: TLS from the first byte (smtps://).
   * Either way the server presents smtp-server's built-in self-signed certificate. Default: plain
   * text, STARTTLS not offered.
   */
  readonly tls?: 'starttls' | 'implicit';
}

export interface SmtpSink {
  /** `smtp://user:pass@127.0.0.1:port` when auth is required, else `smtp://127.0.0.1:port`; `smtps://` under implicit TLS. */
  readonly url: string;
  readonly port: number;
  readonly messages: ReceivedMail[];
  /** Client connections currently open. */
  openConnections(): number;
  close(): Promise<void>;
}

/** A real SMTP server on 127.0.0.1 and a random port, plain text (no STARTTLS) unless `tls` says otherwise, keeping what it receives. */
export async function startSmtpSink(opts: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const messages: ReceivedMail[] = [];
  const server = new SMTPServer({
    // With neither key nor cert given, smtp-server uses its built-in test certificate (`logger: false` keeps it from warning).
    secure: opts.tls === 'implicit',
    disabledCommands: opts.tls === undefined ? ['STARTTLS'] : [],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    authOptional: opts.auth === undefined,
    logger: false,
    closeTimeout: 500,
    onAuth(auth, _session, callback) {
      const want = opts.auth;
      if (want && auth.username === want.user && auth.password === want.pass) return callback(null, { user: auth.username });
      callback(Object.assign(new Error('5.7.8 Authentication credentials invalid'), { responseCode: 535 }));
    },
    onRcptTo(address, _session, callback) {
      const reject = opts.reject;
      if (reject && (!reject.addresses || reject.addresses.includes(address.address))) {
        const text = reject.text ?? `mailbox ${address.address} unavailable`;
        return callback(Object.assign(new Error(text), { responseCode: reject.code }));
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw).then(
          (parsed) => {
            const from = session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address;
            messages.push({ envelope: { from, to: session.envelope.rcptTo.map((r) => r.address) }, raw, parsed, secure: session.secure });
            callback();
          },
          (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))),
        );
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  const creds = opts.auth ? `${encodeURIComponent(opts.auth.user)}:${encodeURIComponent(opts.auth.pass)}@` : '';
  return {
    url: `${opts.tls === 'implicit' ? 'smtps' : 'smtp'}://${creds}127.0.0.1:${port}`,
    port,
    messages,
    openConnections: () => server.connections.size,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
