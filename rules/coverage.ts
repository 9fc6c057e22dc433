import { z } from 'zod';
import { at } from './format.js';
import { alarm, cannotJudge, defineRule, ok } from './types.js';

/**
 * `coverage`: every database is audited. Alarms for a discovered primary instance that is neither a
 * target nor excluded (its finding hangs on the would-be id `<account>/<service>/<instance>`), and
 * for a target whose instance the newest successful discovery no longer lists (deleted? renamed?);
 * ok once it is covered, excluded or gone. Reads only `history.coverage`, which the engine fills from
 * stored discovery as of `now`.
 */
export const coverage = defineRule({
  id: 'coverage',
  description: 'every discovered database is a target or excluded, and every target is still discovered',
  defaultSeverity: 'warning',
  needsSuccessfulPoll: false,
  requires: 'discovery',
  params: z.strictObject({}),
  historyNeeds: () => ({ coverage: true }),
  evaluate({ target, history }) {
    const fact = history.coverage ?? { kind: 'not-discovered' };
    switch (fact.kind) {
      case 'targeted':
        return ok(`instance ${target.instance} listed by discovery at ${at(fact.lastDiscoveryAt)}`);
      case 'resolved':
        return ok(fact.why);
      case 'not-discovered':
        return cannotJudge('no successful discovery of this account and service yet');
      case 'missing':
        return alarm(
          `target ${target.id}: instance ${target.instance} (${target.service}) ` +
            `is not listed by the discovery at ${at(fact.lastDiscoveryAt)}` +
            `${fact.goneAt === null ? ' and was never discovered' : `, last listed before ${at(fact.goneAt)}`}; ` +
            'deleted or renamed? update or remove the target',
          { lastDiscoveryAt: fact.lastDiscoveryAt, goneAt: fact.goneAt },
        );
      case 'uncovered':
        return alarm(
          `${fact.service} instance ${fact.instance}${fact.name ? ` (${JSON.stringify(fact.name)})` : ''} ` +
            `in account ${fact.account}, discovered ${at(fact.firstSeenAt)}, ` +
            'is neither a target nor excluded: add a target, or exclude it with a reason',
          { account: fact.account, service: fact.service, instance: fact.instance },
        );
    }
  },
});
