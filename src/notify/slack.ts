import { z } from 'zod';
import type { slackChannel } from '../config/channels.js';
import { DeliveryError } from '../core/errors.js';
import {
  answerExcerpt,
  channelSecret,
  isPermanentStatus,
  parseHttpUrl,
  postBody,
  redirectNote,
  retryAfterMs,
  retryAfterNote,
} from './http.js';
import { slackPayload } from './slack-format.js';
import type { Notifier } from './types.js';

/** A `type: slack` channel from the config. */
export type SlackChannel = z.infer<typeof slackChannel>;

/** An incoming webhook accepts a message by answering exactly `ok` (with status 200). */
const accepted = z.literal('ok');
/** Slack's error answers are one snake_case word such as `no_service` or `invalid_payload`. */
const errorWord = z.string().regex(/^[a-z][a-z0-9_]{1,60}$/);

/**
 * Posts a digest to a Slack incoming webhook as Block Kit. Slack's error words (`no_service`,
 * `channel_is_archived`, `invalid_payload`, `action_prohibited`...) on 400/403/404/410 are permanent;
 * 429, 5xx, timeouts and network failures are transient, carrying the answer's `Retry-After` as
 * `retryAfterMs`. Errors name the webhook's host only: the URL itself is the credential.
 */
export const slackNotifier: Notifier<SlackChannel> = {
  id: 'slack',
  async send(digest, channel, channelName, ctx) {
    const where = `channels.${channelName}.webhook`;
    const secretUrl = channelSecret(ctx, channel.webhook, where);
    const url = parseHttpUrl(secretUrl, where);
    const who = `slack webhook (${url.host})`;
    const body = JSON.stringify(digest.report?.slack ?? slackPayload(digest));
    const answer = await postBody(ctx, url, body, { 'content-type': 'application/json; charset=utf-8' }, who);
    // The token is the URL's path; scrub it (and the whole URL) in case a proxy echoes the request.
    const said = answerExcerpt(answer.body, [secretUrl, url.pathname]);
    const word = errorWord.safeParse(said).success ? said : said === '' ? 'empty answer' : JSON.stringify(said);

    if (answer.status === 200) {
      if (accepted.safeParse(answer.body.trim()).success) {
        ctx.log.debug({ channel: channelName, host: url.host, items: digest.items.length }, 'slack message delivered');
        return;
      }
      throw new DeliveryError(`${who}: answered 200 without "ok": ${word}`, { permanent: false });
    }
    // Slack sends Retry-After with 429 (and may with 503); the outbox waits at least that long.
    const wait = retryAfterMs(answer.headers, ctx.clock());
    if (answer.status === 429) {
      throw new DeliveryError(`${who}: throttled (429 ${word})${retryAfterNote(answer.headers)}`, { permanent: false, retryAfterMs: wait });
    }
    const permanent = isPermanentStatus(answer.status);
    throw new DeliveryError(`${who}: ${answer.status} ${word}${redirectNote(answer.status)}`, {
      permanent,
      retryAfterMs: permanent ? undefined : wait,
    });
  },
};
