import { type Registry, registry } from '../core/registry.js';
import { bsiC5 } from './bsi-c5.js';
import { dora } from './dora.js';
import { hipaa } from './hipaa.js';
import { iso27001 } from './iso27001.js';
import { mlps } from './mlps.js';
import { nist80053 } from './nist80053.js';
import { soc2 } from './soc2.js';
import type { Framework } from './types.js';

/** A registry of frameworks; throws `duplicate framework id: <id>` when two share an id. */
export const frameworkRegistry = (items: readonly Framework[]): Registry<Framework> => registry('framework', items);

/** Every framework the config's `frameworks:` may name. Adding one = one file + one entry here. */
export const frameworks = frameworkRegistry([iso27001, soc2, nist80053, hipaa, bsiC5, dora, mlps]);
