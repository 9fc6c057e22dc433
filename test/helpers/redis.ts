import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { tempDir } from './temp.js';

/**
 * The redis-server to start: `REDIS_SERVER` when set, else the first `redis-server` on PATH, else
 * Debian's path (where the error message then looks). The bench checks the same path up front.
 */
export function redisServerPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.REDIS_SERVER) return env.REDIS_SERVER;
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, 'redis-server');
    if (existsSync(candidate)) return candidate;
  }
  return '/usr/bin/redis-server';
}

const REDIS_SERVER = redisServerPath();

export interface TestRedis {
  readonly url: string;
  readonly port: number;
  /** Stops the server (SIGTERM, waits for exit). Nothing is saved; `restart()` brings it back empty. */
  stop(): Promise<void>;
  /**
   * Stops and starts it again on the same port, as a Redis restart in production. With
   * `keepData` the data set survives (saved on shutdown, loaded on start), as with a persistent Redis.
   */
  restart(opts?: { keepData?: boolean }): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port assigned');
  return address.port;
}

/** One raw command on a fresh socket; resolves with the first reply line, or null if nothing answers. */
function command(port: number, cmd: string): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (reply: string | null) => {
      socket.destroy();
      resolve(reply);
    };
    socket.setTimeout(500, () => done(null));
    socket.once('error', () => done(null));
    socket.once('close', () => done(null));
    socket.once('data', (data) => done(data.toString().split('\r\n')[0] ?? null));
    socket.once('connect', () => socket.write(`${cmd}\r\n`));
  });
}

async function waitForPing(port: number, proc: ChildProcess, log: () => string): Promise<void> {
  const until = Date.now() + 10_000;
  while (Date.now() < until) {
    if (proc.exitCode !== null) throw new Error(`redis-server exited with ${proc.exitCode}:\n${log()}`);
    if ((await command(port, 'PING')) === '+PONG') return;
    await delay(25);
  }
  throw new Error(`redis-server on port ${port} did not answer PING within 10 s:\n${log()}`);
}

/**
 * A private redis-server on a free loopback port, without persistence, for one test file. Call
 * `stop()` in `afterAll`; a server left behind is killed when the test process exits.
 */
export async function startRedis(): Promise<TestRedis> {
  if (!existsSync(REDIS_SERVER)) {
    throw new Error(
      `redis-server not found at ${REDIS_SERVER}. The Redis integration tests need a real server: ` +
        'install it (Debian/Ubuntu: apt-get install redis-server) or set REDIS_SERVER to its path.',
    );
  }
  const port = await freePort();
  const dir = tempDir('ba-redis-');
  let proc: ChildProcess | undefined;
  let output = '';
  const killOnExit = () => proc?.kill('SIGKILL');
  process.once('exit', killOnExit);

  const start = async () => {
    mkdirSync(dir.dir, { recursive: true }); // gone if stop() ran before this restart
    output = '';
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir.dir];
    const child = spawn(REDIS_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    proc = child;
    await waitForPing(port, child, () => output);
  };
  const halt = async (shutdown: string | null) => {
    const child = proc;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    if (shutdown === null || (await command(port, shutdown)) !== null) child.kill('SIGTERM');
    await exited;
  };

  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: async () => {
      await halt(null);
      process.off('exit', killOnExit);
      dir.cleanup();
    },
    restart: async (opts = {}) => {
      // SHUTDOWN SAVE writes dump.rdb into --dir even with saving disabled; the next start loads it.
      await halt(opts.keepData ? 'SHUTDOWN SAVE' : null);
      if (!opts.keepData) rmSync(join(dir.dir, 'dump.rdb'), { force: true });
      await start();
    },
  };
}
