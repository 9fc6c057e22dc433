// The part of io.ts that main.ts needs before it knows which command runs: nothing here may import
// more than node's own modules, or every start of the CLI pays for it (see main.ts).

/**
 * DESIGN.md exit codes. `blind`: nothing alarms, but something could not be judged. Blindness is never
 * reported as compliance.
 */
export const EXIT = { compliant: 0, alarm: 1, usage: 2, runtime: 3, blind: 4 } as const;

/** The exit code findings call for: 1 when any alarms, else 4 when any could not be judged (`error`), else 0. */
export function findingsExit(findings: readonly { readonly state: string }[]): number {
  if (findings.some((f) => f.state === 'alarm')) return EXIT.alarm;
  return findings.some((f) => f.state === 'error') ? EXIT.blind : EXIT.compliant;
}

/** Streams and environment of one CLI invocation, injectable for in-process tests. */
export interface CliIO {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

/**
 * The process's own streams. Read when first written to: node makes each stream on first access (a
 * pipe's is a socket), and most runs never write to stderr.
 */
export const processIO = (): CliIO => ({
  get stdout() {
    return process.stdout;
  },
  get stderr() {
    return process.stderr;
  },
  env: process.env,
  cwd: process.cwd(),
});

export const println = (stream: NodeJS.WritableStream, text = ''): void => {
  stream.write(`${text}\n`);
};
