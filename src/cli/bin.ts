#!/usr/bin/env node
import { packageVersion } from './version.js';

const args = process.argv.slice(2);
// A lone --version is answered before commander and the command table load: it is what scripts and
// package managers run most, and its output is the same as through main() (a test holds them equal).
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) process.stdout.write(`${packageVersion()}\n`);
else
  import('./main.js')
    .then(({ main }) => main(args))
    .then(
      (code) => {
        process.exitCode = code;
      },
      (err: unknown) => {
        process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exitCode = 3;
      },
    );
