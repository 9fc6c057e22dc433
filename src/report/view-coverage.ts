import type { CoverageRow } from '../discovery/coverage-rows.js';

/**
 * The coverage section's closing sentence when it lists no problem. Where discovery had not run by the
 * period end, nothing is known about unaudited instances, so "every instance is audited" would be a
 * claim without evidence: the sentence names how many account services are unknown instead.
 */
export function coverageVerdict(coverage: readonly CoverageRow[]): string {
  const unknown = coverage.filter((c) => c.lastDiscoveryAt === null).length;
  if (unknown === 0) return 'Every discovered primary instance is a target or excluded.';
  const where = `${unknown} of ${coverage.length} account service${coverage.length === 1 ? '' : 's'}`;
  const rest = unknown < coverage.length ? ' Every instance discovered in the others is a target or excluded.' : '';
  return `Coverage unknown: discovery had not run for ${where} by the period end.${rest}`;
}
