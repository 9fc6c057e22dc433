#!/usr/bin/env node
import { quickRun, statusJson } from './quick-run.js';
import { packageVersion } from './version.js';

const args = process.argv.slice(2);
const quick = quickRun(args);
const exit = (code: number): void => {
  process.exitCode = code;
};
const fail = (err: unknown): void => {
  process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 3;
};
// What scripts, package managers and new users run most is answered before commander and the command
// table load (quick-run.ts), with the output main() gives (tests hold them equal). The help width is
// commander's: a terminal's columns, else 80.
if (quick?.kind === 'version') process.stdout.write(`${packageVersion()}\n`);
else if (quick?.kind === 'help')
  import('./program-help.js').then(({ programHelp }) => {
    process.stdout.write(programHelp(process.stdout.isTTY ? process.stdout.columns : undefined));
  }, fail);
else if (quick?.kind === 'status-json') statusJson(quick.config).then(exit, fail);
else import('./main.js').then(({ main }) => main(args)).then(exit, fail);
