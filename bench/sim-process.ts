import { startSimulator } from '../src/simulator/index.js';
import { scanFleet } from './fleet-scan.js';

// A simulator in its own process for the figures whose measured side must not share a core with it.
// `sim-process.ts fleet-scan <perApi> <latencyMs>`: prints one JSON line `{url}`; exits when stdin closes.

const [kind, perApiText, latencyText] = process.argv.slice(2);
if (kind !== 'fleet-scan') throw new Error(`usage: sim-process.ts fleet-scan <perApi> <latencyMs>, got ${kind}`);
const fleet = scanFleet(Number(perApiText), Date.now());
const sim = await startSimulator({ fleet, faults: { latencyMs: Number(latencyText) } });
process.stdout.write(`${JSON.stringify({ url: sim.url })}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  void sim.close().then(() => process.exit(0));
});
