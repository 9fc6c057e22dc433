import type { Command } from 'commander';
import { z } from 'zod';
import { systemClock } from '../clock.js';
import { seededFleet, SEEDED_ACCOUNT } from '../simulator/seeded-fleet.js';
import { startSimulator } from '../simulator/server.js';
import { EXIT, println, type CliIO } from './io.js';

const options = z.strictObject({
  port: z.coerce.number().int().min(0).max(65_535).default(0),
  instances: z.coerce.number().int().min(1).max(100_000).default(5),
  days: z.coerce.number().int().min(1).max(3_650).default(14),
  seed: z.coerce.number().int().default(1),
});

/** `simulate`: serves the provider simulator with a seeded fleet until interrupted. */
export function simulateCommand(program: Command, io: CliIO, run: (fn: () => Promise<number> | number) => Promise<void>): void {
  program
    .command('simulate')
    .description('serve the provider simulator on 127.0.0.1 with a seeded fleet, until Ctrl-C')
    .option('--port <n>', 'port (default: a free one)')
    .option('--instances <n>', 'Alibaba RDS instances in the fleet', '5')
    .option('--days <n>', 'days of daily backups per instance', '14')
    .option('--seed <n>', 'seed of the generated fleet', '1')
    .action((raw: Record<string, string | undefined>) =>
      run(async () => {
        const parsed = options.safeParse(raw);
        if (!parsed.success) {
          for (const i of parsed.error.issues) println(io.stderr, `--${i.path.join('.')}: ${i.message}`);
          return EXIT.usage;
        }
        const o = parsed.data;
        const fleet = seededFleet({ seed: o.seed, now: systemClock(), instances: o.instances, days: o.days });
        const sim = await startSimulator({ fleet, port: o.port });
        println(io.stdout, `simulator listening on ${sim.url}`);
        println(io.stdout, `account: accessKeyId ${SEEDED_ACCOUNT.accessKeyId}, accessKeySecret ${SEEDED_ACCOUNT.accessKeySecret} (simulator-only credentials)`);
        println(io.stdout, `instances (regionId cn-hangzhou): ${fleet.instances().map((i) => i.id).join(', ')}`);
        println(io.stdout, `fleet: GET ${sim.url}/_sim/fleet`);
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await sim.close();
        return EXIT.compliant;
      }),
    );
}
