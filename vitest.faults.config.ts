import { defineConfig } from 'vitest/config';

// The fault and abuse suite (`npm run test:faults`): slow, bounded, and kept out of `npm test`.
export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    globalSetup: ['test/faults/global-setup.ts'],
    // The suite's tests skip themselves without this (the default config's pattern matches them too).
    env: { BACKUP_AUDITOR_FAULTS_SUITE: '1' },
    pool: 'forks',
    testTimeout: 300_000,
    hookTimeout: 60_000,
    // Two cores: the crash test spawns daemons and wants one of them to itself.
    maxWorkers: 2,
  },
});
