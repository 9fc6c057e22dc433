import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { loadConfigFile } from '../src/config/load.js';
import { createLogger, silentLogger } from '../src/core/log.js';
import { type Daemon, startDaemon } from '../src/daemon/runtime.js';
import { Fleet, type Simulator, startSimulator } from '../src/simulator/index.js';
import { tempFolder } from './harness.js';

// Shared set-up for the figures that run the real daemon: a simulator, a Slack sink, a config file.

export const HOUR = 3_600_000;

/** An HTTP server answering like a Slack webhook, keeping each message's arrival time. */
export async function slackSink(): Promise<{ url: string; received: { at: number; body: string }[]; close(): Promise<void> }> {
  const received: { at: number; body: string }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ at: Date.now(), body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

export async function until(check: () => boolean, timeoutMs = 120_000, everyMs = 10): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('bench: condition not reached in time');
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A simulator in a child process (bench/sim-process.ts), reached by URL. */
export interface ExternalSimulator {
  readonly url: string;
  close(): Promise<void>;
}

/** Starts bench/sim-process.ts with `args` and resolves once it prints its URL. */
export function startSimulatorProcess(args: readonly string[]): Promise<ExternalSimulator> {
  const script = join(dirname(fileURLToPath(import.meta.url)), 'sim-process.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) {
        const { url } = JSON.parse(line) as { url: string };
        resolve({
          url,
          close: () =>
            new Promise<void>((r) => {
              child.once('exit', () => r());
              child.stdin?.end();
            }),
        });
      }
    });
    child.once('exit', (code) => reject(new Error(`simulator process exited with ${code}`)));
  });
}

export interface World {
  /** The in-process simulator, when the figure runs one. */
  readonly sim: Simulator;
  readonly configPath: string;
  readonly dbPath: string;
  count(sql: string): number;
  startOwner(opts?: { pollConcurrency?: number }): Promise<Daemon>;
  close(): Promise<void>;
}

/** Writes `yaml` (with `{{endpoint}}` replaced by the simulator URL) and opens what the figure needs. */
export async function world(source: Fleet | ExternalSimulator, yaml: (endpoint: string) => string): Promise<World> {
  const sim = source instanceof Fleet ? await startSimulator({ fleet: source }) : source;
  const folder = tempFolder('daemon');
  const configPath = folder.file('backup-auditor.yaml');
  const dbPath = folder.file('audit.db');
  writeFileSync(configPath, `database: ${dbPath}\n${yaml(sim.url)}`);
  const daemons: Daemon[] = [];
  let reader: Database.Database | undefined;
  return {
    sim: sim as Simulator,
    configPath,
    dbPath,
    count(sql) {
      reader ??= new Database(dbPath, { readonly: true, fileMustExist: true });
      return reader.prepare(sql).pluck().get() as number;
    },
    async startOwner(opts = {}) {
      // BENCH_LOG=info shows what the daemon does when a figure misbehaves.
      const log = process.env.BENCH_LOG ? createLogger({ level: process.env.BENCH_LOG }) : silentLogger;
      const d = await startDaemon({ loaded: loadConfigFile(configPath, { env: {} }), log, deliveryIntervalMs: 1_000, ...opts });
      daemons.push(d);
      return d;
    },
    async close() {
      reader?.close();
      for (const d of daemons) await d.stop(5_000);
      await sim.close();
      folder.remove();
    },
  };
}
