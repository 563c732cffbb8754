import type { StoredCheck } from '../database/ScorecardStore';

/** An approved exception in force, as the overlay needs it. */
export type ActiveException = { id: string; expiresAt: Date };

/**
 * A component's checks with the exceptions in force: a failed check with
 * one passes with the exception (its evidence kept); a check whose
 * exception has ended shows its own verdict again. Only failures are
 * excepted — a check that passes or does not apply stays as it is.
 */
export function withExceptions(
  checks: StoredCheck[],
  active: Map<string, ActiveException> | undefined,
): StoredCheck[] {
  return checks.map(({ id, outcome, evidence }) => {
    const own = outcome === 'pass-with-exception' ? 'fail' : outcome;
    const exception = active?.get(id);
    if (own === 'fail' && exception) {
      return {
        id,
        outcome: 'pass-with-exception',
        evidence,
        exception: {
          id: exception.id,
          expiresAt: exception.expiresAt.toISOString(),
        },
      };
    }
    return { id, outcome: own, evidence };
  });
}
