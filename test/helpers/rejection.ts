import { ProviderError } from '../../src/core/errors.js';

/** What `run` rejected with, or `undefined` when it resolved. */
export function rejectionOf(run: Promise<unknown>): Promise<unknown> {
  return run.then(
    () => undefined,
    (e: unknown) => e,
  );
}

/** The listing's error, failing the test if it succeeded or failed with anything but a ProviderError. */
export async function listingError(run: Promise<unknown>): Promise<ProviderError> {
  const err = await rejectionOf(run);
  if (!(err instanceof ProviderError)) throw new Error(`expected a ProviderError, got ${String(err)}`);
  return err;
}
