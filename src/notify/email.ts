import type Mail from 'nodemailer/lib/mailer/index.js';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import type { z } from 'zod';
import type { emailChannel } from '../config/channels.js';
import { DeliveryError } from '../core/errors.js';
import { answerExcerpt, channelSecret } from './http.js';
import { renderHtml, renderText, subject } from './render.js';
import type { Digest, Notifier } from './types.js';

/** An `type: email` channel from the config. */
export type EmailChannel = z.infer<typeof emailChannel>;

/** The part of a nodemailer transporter this notifier uses. */
export interface MailTransport {
  sendMail(mail: Mail.Options): Promise<SMTPTransport.SentMessageInfo>;
  close(): void;
}

/** Makes a transport from SMTP options; nodemailer's `createTransport` unless a test injects another. */
export type TransportFactory = (options: SMTPTransport.Options) => MailTransport | Promise<MailTransport>;

// Not createTransport(options): given `url`, it builds the transport from the URL alone and silently
// drops every other option (timeouts, logger: false, requireTLS, tls). SMTPTransport merges the two.
// Loaded at the first mail: a daemon that sends none does not hold nodemailer in its heap.
const defaultFactory: TransportFactory = async (options) => {
  const [{ default: nodemailer }, { default: SmtpTransport }] = await Promise.all([
    import('nodemailer'),
    import('nodemailer/lib/smtp-transport/index.js'),
  ]);
  return nodemailer.createTransport(new SmtpTransport(options));
};

/** Where the mail goes, for errors: host and port only, never the URL (it holds the password). */
interface SmtpServer {
  readonly url: string;
  readonly hostPort: string;
  /** Strings to scrub from anything quoted back: the URL and its credentials, raw and decoded. */
  readonly secrets: readonly string[];
  /** The channel demands STARTTLS (`requireTls`), so a server without it is a configuration error. */
  readonly requireTls?: boolean;
}

/**
 * Builds the email notifier. Sends one message per digest over a fresh SMTP connection (closed
 * after the send, so a daemon leaks no sockets), with a text and an HTML part. smtps:// is implicit
 * TLS; smtp:// upgrades with STARTTLS when the server offers it, and with `requireTls` refuses to
 * send in clear text. SMTP 5xx answers (550 mailbox unavailable, 535 authentication failed), a server
 * without STARTTLS under `requireTls`, and malformed settings are permanent; 4xx answers, refused
 * connections, DNS failures, TLS handshake failures and timeouts are transient.
 */
export function createEmailNotifier(createTransport: TransportFactory = defaultFactory): Notifier<EmailChannel> {
  return {
    id: 'email',
    async send(digest, channel, channelName, ctx) {
      const where = `channels.${channelName}.smtp`;
      const server = { ...smtpServer(channelSecret(ctx, channel.smtp, where), where), requireTls: channel.requireTls };
      const transport = await createTransport({
        // smtps:// in the URL sets nodemailer's `secure` (implicit TLS); requireTLS only matters on smtp://.
        url: server.url,
        requireTLS: channel.requireTls,
        tls: { rejectUnauthorized: channel.tlsRejectUnauthorized },
        connectionTimeout: ctx.timeoutMs,
        greetingTimeout: ctx.timeoutMs,
        socketTimeout: ctx.timeoutMs,
        // nodemailer's own logger would print the SMTP dialogue, AUTH lines included.
        logger: false,
        debug: false,
      });
      try {
        const info = await transport.sendMail({
          from: channel.from,
          to: channel.to,
          cc: channel.cc,
          subject: subject(digest, channel.subjectPrefix),
          text: digest.report?.text ?? renderText(digest),
          html: digest.report?.html ?? renderHtml(digest),
          attachments: attachmentsOf(digest),
          date: new Date(ctx.clock()),
          // RFC 3834: tells vacation responders and ticket systems not to answer an automated alert.
          headers: { 'Auto-Submitted': 'auto-generated' },
        });
        // Some recipients took the message: resending would duplicate it for them, so this counts as delivered.
        if (info.rejected.length > 0) {
          ctx.log.warn(
            { channel: channelName, server: server.hostPort, rejected: info.rejected.map(addressOf) },
            'some recipients were rejected',
          );
        }
        ctx.log.debug({ channel: channelName, server: server.hostPort, messageId: info.messageId }, 'email delivered');
      } catch (err) {
        throw smtpFailure(err, server);
      } finally {
        transport.close();
      }
    },
  };
}

/** The email notifier over real SMTP. */
export const emailNotifier: Notifier<EmailChannel> = createEmailNotifier();

function smtpServer(url: string, where: string): SmtpServer {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Not the TypeError itself: Node attaches the offending input (the URL) to it.
    throw new DeliveryError(`${where} is not a valid URL`, { permanent: true });
  }
  if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') {
    throw new DeliveryError(`${where} must be an smtp:// or smtps:// URL`, { permanent: true });
  }
  const port = parsed.port || (parsed.protocol === 'smtps:' ? '465' : '587');
  // The user name is not scrubbed: it is no secret, and short names ("mail") would mangle replies.
  const secrets = [url, parsed.password, safeDecode(parsed.password)];
  return { url, hostPort: `${parsed.hostname}:${port}`, secrets };
}

/**
 * nodemailer codes for failures decided before or without a server reply that a retry cannot fix:
 * missing credentials, no acceptable recipient, an unsendable message. Every other code (ECONNECTION,
 * ETIMEDOUT, ESOCKET, EDNS, ETLS, EPROTOCOL...) is a connection-level failure worth retrying.
 */
const PERMANENT_CODES = new Set(['EAUTH', 'EENVELOPE', 'EMESSAGE', 'EREQUIRETLS']);

/**
 * Maps a nodemailer error to a DeliveryError. The server's reply line decides when there is one
 * (5xx permanent, 4xx transient); otherwise connection-level codes are transient and local refusals
 * (no valid recipient, bad message) permanent. Credentials are scrubbed from anything quoted.
 */
export function smtpFailure(err: unknown, server: Pick<SmtpServer, 'hostPort' | 'secrets' | 'requireTls'>): DeliveryError {
  const e = (err ?? {}) as { code?: unknown; response?: unknown; responseCode?: unknown; command?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : undefined;
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const response = typeof e.response === 'string' ? answerExcerpt(e.response, server.secrets) : '';
  const command = typeof e.command === 'string' && /^[A-Z][A-Z -]{1,30}$/.test(e.command) ? ` (after ${e.command})` : '';
  const prefix = `email via ${server.hostPort}`;
  // nodemailer sends STARTTLS under requireTLS even when EHLO did not offer it. A 5xx refusal means
  // this server does not encrypt, which retrying cannot change; 454 is RFC 3207's "not now".
  if (server.requireTls && code === 'ETLS' && e.command === 'STARTTLS' && response !== '') {
    const permanent = responseCode === undefined || responseCode >= 500;
    return new DeliveryError(`${prefix}: server refused STARTTLS, which the channel requires (requireTls): ${response}`, { permanent });
  }
  if (responseCode !== undefined && responseCode >= 400 && responseCode < 600 && response !== '') {
    return new DeliveryError(`${prefix}: ${response}${command}`, { permanent: responseCode >= 500 });
  }
  const message = answerExcerpt(typeof e.message === 'string' ? e.message : String(err), server.secrets);
  if (code === 'ETIMEDOUT') return new DeliveryError(`${prefix}: timed out (${message})`, { permanent: false });
  const permanent = code !== undefined && PERMANENT_CODES.has(code);
  return new DeliveryError(`${prefix}: ${message}${code ? ` [${code}]` : ''}`, { permanent });
}

/** A report's PDF, when it carries one; nothing for every other message. */
function attachmentsOf(digest: Digest): Mail.Attachment[] | undefined {
  const pdf = digest.report?.pdf;
  return pdf ? [{ filename: pdf.filename, content: Buffer.from(pdf.content), contentType: 'application/pdf' }] : undefined;
}

function addressOf(a: string | Mail.Address): string {
  return typeof a === 'string' ? a : a.address;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
