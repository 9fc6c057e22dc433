import { closeSync, openSync, writeSync } from 'node:fs';
import { createDeps } from '../jobs/deps.js';
import { closeDatabase, openDatabase } from '../src/db/client.js';
import { buildReport } from '../src/report/build.js';
import { renderReportChunks } from '../src/report/formats.js';
import { lastCompleteWeek } from '../src/report/period.js';
import { benchConfig, benchTarget } from './eval-fleet.js';
import { collectGarbage, timeSync } from './harness.js';

// `report-child.ts <db> <targets> <now> <out-dir>`: what `report --out` does for html and json, three
// times, in a process that did nothing else, so its peak RSS is the report's own. Prints one JSON line.

const [file, countText, nowText, outDir] = process.argv.slice(2);
const count = Number(countText);
const now = Number(nowText);
if (!file || !outDir || !Number.isInteger(count) || !Number.isFinite(now))
  throw new Error('usage: report-child.ts <db> <targets> <now> <dir>');
const loaded = benchConfig(Array.from({ length: count }, (_, i) => benchTarget(i)));
const db = openDatabase(file);
try {
  const deps = createDeps({ db, loaded });
  const period = lastCompleteWeek(now, loaded.config.timezone);
  const write = (name: string, chunks: Iterable<string>): number => {
    const fd = openSync(`${outDir}/${name}`, 'w');
    let bytes = 0;
    try {
      for (const chunk of chunks) bytes += writeSync(fd, chunk);
    } finally {
      closeSync(fd);
    }
    return bytes;
  };
  const runs = Array.from({ length: 3 }, () => {
    collectGarbage();
    return timeSync(() => {
      const report = buildReport(deps, period, now);
      return {
        html: write('report.html', renderReportChunks(report, 'html')),
        json: write('report.json', renderReportChunks(report, 'json')),
      };
    });
  });
  const last = runs[runs.length - 1]?.value;
  const out = {
    ms: runs.map((r) => r.ms),
    period: period.label,
    html: last?.html,
    json: last?.json,
    maxRssKiB: process.resourceUsage().maxRSS,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
} finally {
  closeDatabase(db);
}
