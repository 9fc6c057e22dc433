import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import { systemClock } from '../core/clock.js';
import { loadFleetFile } from '../simulator/fleet-file.js';
import { buildFleet, type FleetSpec, specTargets, specUntargeted } from '../simulator/fleet-spec.js';
import { mixedFleet } from '../simulator/mixed-fleet.js';
import { seededSpec } from '../simulator/seeded-fleet.js';
import { startSimulator } from '../simulator/server.js';
import { simulatorConfig } from '../simulator/sim-config.js';
import { type CliIO, EXIT, println } from './io.js';

const options = z
  .strictObject({
    port: z.coerce.number().int().min(0).max(65_535).default(0),
    fleet: z.string().min(1).optional(),
    seed: z.coerce.number().int().optional(),
    perApi: z.coerce.number().int().min(1).max(1_000).default(6),
    days: z.coerce.number().int().min(5).max(3_650).default(14),
    instances: z.coerce.number().int().min(0).max(100_000).default(0),
    configOut: z.string().min(1).optional(),
  })
  .refine((o) => o.fleet === undefined || o.seed === undefined, { message: 'give --fleet FILE or --seed N, not both', path: ['fleet'] });

/**
 * `simulate`: serves the provider simulator (all five APIs) until interrupted, and prints a config
 * that points every account at it (each discovering, without auto-targets): the described mix from
 * `--seed` (default 1), or the fleet a `--fleet` file scripts, plus `--instances` bulk Alibaba RDS instances. The config goes to stdout
 * (or `--config-out`), so `simulate --seed 3 > sim.yaml` works; everything for people goes to stderr.
 */
export function simulateCommand(program: Command, io: CliIO, run: (fn: () => Promise<number> | number) => Promise<void>): void {
  program
    .command('simulate')
    .description(
      'serve the five provider APIs on 127.0.0.1 from a generated or scripted fleet, print a config for it, and run until Ctrl-C',
    )
    .option('--port <n>', 'port (default: a free one)')
    .option('--fleet <file>', 'serve the fleet this YAML/JSON file scripts (see src/simulator/fleet-file.ts)')
    .option('--seed <n>', 'seed of the generated mix: healthy, failing, stale, stuck, shrinking and missing instances per API (default 1)')
    .option('--per-api <n>', 'generated instances per API (the six stories repeat beyond six)', '6')
    .option('--days <n>', 'days of backup history per generated instance', '14')
    .option('--instances <n>', 'extra Alibaba RDS instances with daily backups (about 5% failed), e.g. for load', '0')
    .option('--config-out <file>', 'write the config there instead of to stdout')
    .action((raw: Record<string, string | undefined>) =>
      run(async () => {
        const parsed = options.safeParse(raw);
        if (!parsed.success) {
          for (const i of parsed.error.issues)
            println(io.stderr, `--${i.path.join('.').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: ${i.message}`);
          return EXIT.usage;
        }
        const o = parsed.data;
        const now = systemClock();
        let spec: FleetSpec;
        try {
          spec =
            o.fleet !== undefined
              ? loadFleetFile(resolve(io.cwd, o.fleet), now)
              : mixedFleet({ seed: o.seed ?? 1, now, perApi: o.perApi, days: o.days });
        } catch (err) {
          println(io.stderr, err instanceof Error ? err.message : String(err));
          return EXIT.usage;
        }
        if (o.instances > 0) {
          const bulk = seededSpec({ seed: o.seed ?? 1, now, instances: o.instances, days: o.days });
          spec = { accounts: [...spec.accounts, ...bulk.accounts], instances: [...spec.instances, ...bulk.instances] };
        }
        const fleet = buildFleet(spec);
        const sim = await startSimulator({ fleet, port: o.port });
        try {
          // Every account discovers (without generating targets), so run-once also shows coverage and backup-policy findings.
          const config = simulatorConfig(spec, { url: sim.url, discover: true });
          if (o.configOut !== undefined) writeFileSync(resolve(io.cwd, o.configOut), config, { mode: 0o600 });
          else io.stdout.write(config);
          describe(io, spec, sim.url, o.configOut);
          await new Promise<void>((done) => {
            process.once('SIGINT', done);
            process.once('SIGTERM', done);
          });
        } finally {
          await sim.close();
        }
        return EXIT.compliant;
      }),
    );
}

/** What is being served, for the person at the terminal (stderr: stdout may be the config). */
function describe(io: CliIO, spec: FleetSpec, url: string, configOut: string | undefined): void {
  const say = (line: string) => println(io.stderr, line);
  const targets = specTargets(spec);
  const width = Math.max(...targets.map((t) => t.id.length), 6);
  say(`${targets.length} targets over ${spec.accounts.length} accounts:`);
  for (const t of targets) say(`  ${t.id.padEnd(width)}  ${t.story ?? ''}`);
  const untargeted = specUntargeted(spec);
  if (untargeted.length > 0) say(`${untargeted.length} more instances the config does not target (every account discovers):`);
  for (const u of untargeted)
    say(`  ${u.id}  ${u.replicaOf !== undefined ? 'read replica: nothing alarms' : 'coverage alarms: no target audits it'}`);
  say(`config: ${configOut ?? 'written to stdout'}; fleet: GET ${url}/_sim/fleet; faults: POST ${url}/_sim/faults`);
  // Last: scripts wait for this line to know the simulator answers.
  say(`simulator listening on ${url} (Ctrl-C to stop)`);
}
