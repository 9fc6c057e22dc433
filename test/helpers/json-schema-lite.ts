/**
 * A small JSON Schema (draft 2020-12) checker for tests, standing in for Ajv, which the project does
 * not depend on. It knows the keywords `z.toJSONSchema` emits for the config and throws on any other
 * assertion keyword, so a schema it cannot judge fails the test instead of passing silently.
 */

type Schema = { [key: string]: unknown } | boolean;

const ANNOTATIONS = new Set(['$schema', '$id', 'title', 'description', 'default', 'examples', 'deprecated', 'readOnly', 'writeOnly', '$comment']);
const ASSERTIONS = new Set([
  'type', 'properties', 'required', 'additionalProperties', 'propertyNames', 'items', 'enum', 'const', 'anyOf', 'oneOf', 'allOf', 'not',
  'pattern', 'minLength', 'maxLength', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minItems', 'maxItems', 'format', 'minProperties', 'maxProperties',
]);

/** Problems of `value` against `schema` (empty = valid), each with its JSON path. */
export function validateJson(schema: Schema, value: unknown, path = '$'): string[] {
  if (schema === true) return [];
  if (schema === false) return [`${path}: no value allowed`];
  for (const key of Object.keys(schema)) {
    if (!ANNOTATIONS.has(key) && !ASSERTIONS.has(key)) throw new Error(`json-schema-lite: keyword "${key}" at ${path} is not supported`);
  }
  const s = schema as Record<string, unknown>;
  const problems: string[] = [];
  const fail = (m: string) => problems.push(`${path}: ${m}`);
  if (s.type !== undefined && ![s.type].flat().some((t) => hasType(value, t as string))) return [`${path}: expected ${[s.type].flat().join('|')}`];
  if (s.const !== undefined && JSON.stringify(s.const) !== JSON.stringify(value)) fail(`expected ${JSON.stringify(s.const)}`);
  if (Array.isArray(s.enum) && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) fail(`not one of ${JSON.stringify(s.enum)}`);
  if (typeof value === 'string') {
    if (typeof s.pattern === 'string' && !new RegExp(s.pattern, 'u').test(value)) fail(`does not match ${s.pattern}`);
    if (typeof s.minLength === 'number' && [...value].length < s.minLength) fail(`shorter than ${s.minLength}`);
    if (typeof s.maxLength === 'number' && [...value].length > s.maxLength) fail(`longer than ${s.maxLength}`);
    if (s.format === 'uri' && !/^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$/.test(value)) fail('not a URI');
    if (s.format === 'email' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) fail('not an email address');
  }
  if (typeof value === 'number') {
    if (typeof s.minimum === 'number' && value < s.minimum) fail(`below ${s.minimum}`);
    if (typeof s.maximum === 'number' && value > s.maximum) fail(`above ${s.maximum}`);
    if (typeof s.exclusiveMinimum === 'number' && value <= s.exclusiveMinimum) fail(`not above ${s.exclusiveMinimum}`);
    if (typeof s.exclusiveMaximum === 'number' && value >= s.exclusiveMaximum) fail(`not below ${s.exclusiveMaximum}`);
  }
  if (Array.isArray(value)) {
    if (typeof s.minItems === 'number' && value.length < s.minItems) fail(`fewer than ${s.minItems} items`);
    if (typeof s.maxItems === 'number' && value.length > s.maxItems) fail(`more than ${s.maxItems} items`);
    if (s.items !== undefined) value.forEach((v, i) => problems.push(...validateJson(s.items as Schema, v, `${path}[${i}]`)));
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>;
    const props = (s.properties ?? {}) as Record<string, Schema>;
    for (const r of (s.required ?? []) as string[]) if (!(r in obj)) fail(`missing required property "${r}"`);
    if (typeof s.minProperties === 'number' && Object.keys(obj).length < s.minProperties) fail(`fewer than ${s.minProperties} properties`);
    for (const [k, v] of Object.entries(obj)) {
      if (s.propertyNames !== undefined) problems.push(...validateJson(s.propertyNames as Schema, k, `${path}.${k} (name)`));
      if (k in props) problems.push(...validateJson(props[k] as Schema, v, `${path}.${k}`));
      else if (s.additionalProperties === false) fail(`unknown property "${k}"`);
      else if (s.additionalProperties !== undefined) problems.push(...validateJson(s.additionalProperties as Schema, v, `${path}.${k}`));
    }
  }
  const branches = (key: string) => ((s[key] ?? []) as Schema[]).map((b) => validateJson(b, value, path));
  if (s.allOf) branches('allOf').forEach((p) => problems.push(...p));
  if (s.anyOf) {
    const results = branches('anyOf');
    if (!results.some((r) => r.length === 0)) fail(`matches no alternative (${results.map((r) => r[0]).join(' | ')})`);
  }
  if (s.oneOf) {
    const results = branches('oneOf');
    const matching = results.filter((r) => r.length === 0).length;
    if (matching !== 1) fail(matching === 0 ? `matches no alternative (${results.map((r) => r[0]).join(' | ')})` : 'matches more than one alternative');
  }
  if (s.not !== undefined && validateJson(s.not as Schema, value, path).length === 0) fail('matches a forbidden schema');
  return problems;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'null': return value === null;
    case 'array': return Array.isArray(value);
    case 'object': return value !== null && typeof value === 'object' && !Array.isArray(value);
    case 'integer': return Number.isInteger(value);
    case 'number': return typeof value === 'number' && Number.isFinite(value);
    default: return typeof value === type;
  }
}
