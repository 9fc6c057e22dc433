import { startSimulator } from '../src/simulator/index.js';
import { scanFleet } from './scan-fleet.js';

// A simulator in its own process for the figures whose measured side must not share a core with it.
// `sim-process.ts fleet-scan <perApi> <latencyMs> <accountsPerApi> <perSecond>`: prints one JSON line
// `{url}`; exits when stdin closes.

const [kind, ...numbers] = process.argv.slice(2);
const [perApi, latencyMs, accountsPerApi, perSecond] = numbers.map(Number);
if (kind !== 'fleet-scan' || perApi === undefined || latencyMs === undefined || !accountsPerApi || !perSecond)
  throw new Error(
    `usage: sim-process.ts fleet-scan <perApi> <latencyMs> <accountsPerApi> <perSecond>, got ${process.argv.slice(2).join(' ')}`,
  );
const fleet = scanFleet({ perApi, accountsPerApi, perSecond }, Date.now());
const sim = await startSimulator({ fleet, faults: { latencyMs } });
process.stdout.write(`${JSON.stringify({ url: sim.url })}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  void sim.close().then(() => process.exit(0));
});
