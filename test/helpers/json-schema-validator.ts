import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

// The config's JSON Schema checked by Ajv, the validator editors and CI tools use, formats included
// (the schema uses `uri` and `email`; durations carry a pattern instead of a format).
const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats.default(ajv, ['uri', 'email']);

/** Problems (`/targets/0/account: must be string`), empty when `value` is valid under `schema`. */
export function validateJson(schema: Record<string, unknown>, value: unknown): string[] {
  const validate = ajv.compile(schema);
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => {
    const extra = e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : '';
    return `${e.instancePath || '(root)'}: ${e.message ?? 'invalid'}${extra}`;
  });
}
