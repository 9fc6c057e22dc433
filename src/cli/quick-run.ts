/**
 * What bin.ts answers without commander and the command table (main.ts): the commands scripts run
 * most, in the one form each takes here. Any other arguments, including the same ones written another
 * way (`--config=x`, `-cx`, options in another order), go through main(), and a test holds the output
 * of each form here equal to main()'s.
 */
export type QuickRun =
  | { readonly kind: 'version' }
  | { readonly kind: 'help' }
  | { readonly kind: 'status-json'; readonly config?: string };

/** The quick run that `args` (without node and the script) ask for, or undefined for main() to parse. */
export function quickRun(args: readonly string[]): QuickRun | undefined {
  const [first, second, ...more] = args;
  if (args.length === 1 && (first === '--version' || first === '-V')) return { kind: 'version' };
  if (args.length === 1 && (first === '--help' || first === '-h')) return { kind: 'help' };
  if (args.length === 2 && first === 'status' && second === '--json') return { kind: 'status-json' };
  const configured = (first === '-c' || first === '--config') && second !== undefined && !second.startsWith('-');
  if (configured && more.length === 2 && more[0] === 'status' && more[1] === '--json') return { kind: 'status-json', config: second };
  return undefined;
}

/** `status --json`, as main() runs it on the process's streams: an error is reported as main() reports it. */
export async function statusJson(config: string | undefined): Promise<number> {
  const [{ statusAction }, { processIO }] = await Promise.all([import('./status.js'), import('./io-base.js')]);
  const io = processIO();
  try {
    return statusAction(config === undefined ? {} : { config }, { json: true }, io);
  } catch (err) {
    return (await import('./io.js')).reportError(err, io);
  }
}
