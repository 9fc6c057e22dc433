import { writeFileSync } from 'node:fs';
import { FIGURES } from './figures.js';

// `run-figure.ts <id> <scale> <out.json>`: one figure in a process of its own (bench/run.ts starts one
// per figure), its rows written to out.json. A figure then never pays for the heap, the collector's
// state or the compiled code another figure left behind.

const [id, scaleText, out] = process.argv.slice(2);
const figure = FIGURES.find((f) => f.id === id);
if (!figure || typeof figure.run !== 'function' || !out || !Number.isFinite(Number(scaleText))) {
  throw new Error(`usage: run-figure.ts <id of a runnable figure> <scale> <out.json>, got ${process.argv.slice(2).join(' ')}`);
}
const rows = await figure.run(Number(scaleText));
writeFileSync(out, JSON.stringify(rows));
