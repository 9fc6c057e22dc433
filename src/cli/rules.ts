import type { Command } from 'commander';
import { z } from 'zod';
import { rules as registeredRules } from '../../rules/registry.js';
import { type CliIO, EXIT, println } from './io.js';

interface ParameterDoc {
  name: string;
  type: string;
  default: unknown;
  description: string;
}

interface RuleDoc {
  id: string;
  description: string;
  defaultSeverity: string;
  needsSuccessfulPoll: boolean;
  /** False for a rule that judges nothing until `rules:`, a profile or a target sets it. */
  enabledByDefault: boolean;
  parameters: ParameterDoc[];
}

type JsonSchema = {
  type?: string | string[];
  format?: string;
  anyOf?: JsonSchema[];
  enum?: unknown[];
  items?: JsonSchema;
  default?: unknown;
  description?: string;
  properties?: Record<string, JsonSchema>;
};

const typeOf = (s: JsonSchema): string =>
  s.format === 'duration'
    ? 'duration'
    : s.anyOf
      ? s.anyOf.map(typeOf).join('|')
      : s.items
        ? `(${typeOf(s.items)})[]`
        : s.enum
          ? s.enum.join('|')
          : Array.isArray(s.type)
            ? s.type.join('|')
            : (s.type ?? 'any');

/** Every rule with its parameters, defaults and descriptions, read from the rules' own zod schemas. */
export function ruleDocs(): RuleDoc[] {
  return registeredRules.all.map((rule) => {
    const schema = z.toJSONSchema(rule.params as z.ZodType, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
    const parameters = Object.entries(schema.properties ?? {}).map(([name, p]) => ({
      name,
      type: typeOf(p),
      default: p.default ?? null,
      description: p.description ?? '',
    }));
    parameters.push({
      name: 'severity',
      type: 'critical|warning|info',
      default: rule.defaultSeverity,
      description: 'severity of its alarms (routes match on it)',
    });
    return {
      id: rule.id,
      description: rule.description,
      defaultSeverity: rule.defaultSeverity,
      needsSuccessfulPoll: rule.needsSuccessfulPoll,
      enabledByDefault: rule.enabledByDefault !== false,
      parameters,
    };
  });
}

/** `rules [--json]`: what each rule checks and how to tune it. */
export function rulesCommand(program: Command, io: CliIO, run: (fn: () => Promise<number> | number) => Promise<void>): void {
  program
    .command('rules')
    .description('list the compliance rules with their parameters and defaults')
    .option('--json', 'print them as JSON')
    .action((opts: { json?: boolean }) =>
      run(() => {
        const docs = ruleDocs();
        if (opts.json) {
          println(io.stdout, JSON.stringify(docs, null, 2));
          return EXIT.compliant;
        }
        for (const d of docs) {
          println(io.stdout, `${d.id}: ${d.description}${d.enabledByDefault ? '' : ' (off unless configured)'}`);
          for (const p of d.parameters) {
            const def = p.default === null ? 'off' : JSON.stringify(p.default);
            println(io.stdout, `  ${p.name.padEnd(12)} ${p.type.padEnd(22)} default ${def.padEnd(10)} ${p.description}`);
          }
          println(io.stdout);
        }
        println(
          io.stdout,
          'Set defaults under `rules:`, per label under `profiles:`, per target under `targets[].rules`; `false` disables a rule.',
        );
        return EXIT.compliant;
      }),
    );
}
