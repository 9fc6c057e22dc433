#!/usr/bin/env node
import { packageVersion } from './version.js';

const args = process.argv.slice(2);
const alone = (...flags: string[]): boolean => args.length === 1 && flags.includes(args[0] as string);
const fail = (err: unknown): void => {
  process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 3;
};
// A lone --version or --help is answered before commander and the command table load: they are what
// scripts, package managers and new users run most, and their output is the same as through main()
// (tests hold them equal). The help width is commander's: a terminal's columns, else 80.
if (alone('--version', '-V')) process.stdout.write(`${packageVersion()}\n`);
else if (alone('--help', '-h'))
  import('./program-help.js').then(({ programHelp }) => {
    process.stdout.write(programHelp(process.stdout.isTTY ? process.stdout.columns : undefined));
  }, fail);
else
  import('./main.js')
    .then(({ main }) => main(args))
    .then((code) => {
      process.exitCode = code;
    }, fail);
