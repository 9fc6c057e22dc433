import { CORE_SCHEMA, load } from 'js-yaml';
import { readSubset } from './yaml-subset.js';

/**
 * The config's values read by js-yaml with the YAML 1.2 core schema, the schema the `yaml` library
 * resolves by default (no timestamps, no merge keys, no binary), so both give the same values; js-yaml
 * reads a 10,000-target config several times faster. Undefined when js-yaml refuses the text: the
 * `yaml` library then reads it, and names the line of what is wrong (load.ts). The plain subset of
 * YAML that configs are written in is read by readSubset, faster still, with js-yaml's values.
 *
 * The values are copied out of the text: the longer strings read are slices of it, and one of them
 * kept (an account's endpoint, say) kept the whole file in memory for as long as the config lived. A
 * copy costs a tenth of the reading.
 */
export function readFast(text: string): unknown {
  let value: unknown;
  try {
    value = readSubset(text, (plain) => load(plain, { schema: CORE_SCHEMA })) ?? load(text, { schema: CORE_SCHEMA }) ?? {};
  } catch {
    return undefined;
  }
  return structuredClone(value);
}
