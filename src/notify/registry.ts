import { type Registry, registry } from '../core/registry.js';
import { emailNotifier } from './email.js';
import { slackNotifier } from './slack.js';
import type { Notifier } from './types.js';
import { webhookNotifier } from './webhook.js';

/** Every channel type the config accepts, by `type`; start-up fails on a duplicate. */
export const notifiers: Registry<Notifier> = registry<Notifier>('notifier', [emailNotifier, slackNotifier, webhookNotifier]);
