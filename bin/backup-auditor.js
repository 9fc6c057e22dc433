#!/usr/bin/env node
// Runs the compiled CLI (npm install builds it through the `prepare` script).
import('../dist/src/cli/bin.js').catch((err) => {
  process.stderr.write(`backup-auditor: cannot start (${err.message}); run \`npm run build\` first\n`);
  process.exitCode = 3;
});
