import type { Command } from 'commander';
import { rules } from '../../rules/registry.js';
import { resolveRules } from '../config/rule-settings.js';
import { formatDuration } from '../core/duration.js';
import { route } from '../engine/routing.js';
import { type CliIO, EXIT, type GlobalOptions, loadConfig, println } from './io.js';

/** `routes test --target X --rule Y`: which channels a finding would go to, and through which routes. */
export function routesCommand(program: Command, io: CliIO, run: (fn: () => Promise<number> | number) => Promise<void>): void {
  program
    .command('routes')
    .description('inspect notification routing')
    .command('test')
    .description('print the channels a finding of this target and rule would be sent to')
    .requiredOption('--target <id>', 'a configured target')
    .requiredOption('--rule <id>', 'a rule id')
    .option('--severity <level>', 'override the severity the config gives this rule for this target')
    .action((o: { target: string; rule: string; severity?: string }) =>
      run(() => {
        const loaded = loadConfig(program.opts<GlobalOptions>(), io);
        const { config } = loaded;
        const index = config.targets.findIndex((t) => t.id === o.target);
        const target = config.targets[index];
        if (!target) {
          println(io.stderr, `--target: unknown target "${o.target}"; configured: ${config.targets.map((t) => t.id).join(', ')}`);
          return EXIT.usage;
        }
        if (!rules.has(o.rule)) {
          println(io.stderr, `--rule: unknown rule "${o.rule}"; known: ${rules.ids.join(', ')}`);
          return EXIT.usage;
        }
        const resolved = resolveRules(rules, config, target, `targets[${index}]`).resolved.find((r) => r.rule.id === o.rule);
        const severity = o.severity ?? resolved?.severity ?? rules.get(o.rule).defaultSeverity;
        const r = route(config, { targetId: target.id, ruleId: o.rule, severity, labels: target.labels });
        const via = r.routes.length === 0 ? 'no routes configured: every channel' : `routes ${r.routes.map((i) => `[${i}]`).join(', ')}`;
        println(
          io.stdout,
          `${target.id} / ${o.rule} (severity ${severity}${resolved && !resolved.enabled ? ', rule disabled for this target' : ''})`,
        );
        println(io.stdout, `  channels: ${r.channels.length > 0 ? r.channels.join(', ') : '(none: nothing would be sent)'}`);
        println(io.stdout, `  matched:  ${via}; reminders every ${formatDuration(r.repeatInterval)}`);
        return EXIT.compliant;
      }),
    );
}
