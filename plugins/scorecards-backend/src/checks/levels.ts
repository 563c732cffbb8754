import { InputError } from '@backstage/errors';
import type { StoredCheck } from '../database/ScorecardStore';

/** A level: the checks it adds to those of the levels before it. */
export type ScorecardLevel = { id: string; title: string; checks: string[] };

/** Paved's default levels, lowest first. */
export const defaultLevels: ScorecardLevel[] = [
  { id: 'bronze', title: 'Bronze', checks: ['has-owner', 'has-system'] },
  {
    id: 'silver',
    title: 'Silver',
    checks: [
      'has-techdocs',
      'techdocs-build',
      'apis-registered',
      'deployments-reported',
    ],
  },
  {
    id: 'gold',
    title: 'Gold',
    checks: [
      'golden-path-current',
      'change-fail-rate',
      'live-checks',
      'cost-budget',
    ],
  },
];

/** Refuses levels that name a check nobody added, or repeat an id. */
export function checkLevels(levels: ScorecardLevel[], checkIds: string[]) {
  const known = new Set(checkIds);
  const seen = new Set<string>();
  for (const level of levels) {
    if (seen.has(level.id)) {
      throw new InputError(`scorecards.levels names ${level.id} twice`);
    }
    seen.add(level.id);
    const unknown = level.checks.filter(id => !known.has(id));
    if (unknown.length > 0) {
      throw new InputError(
        `scorecards level ${level.id} names unknown check(s) ${unknown.join(
          ', ',
        )}; known: ${[...known].join(', ')}`,
      );
    }
  }
}

/**
 * The highest level reached — every check of it and of every level before
 * it passed (with an exception or without) or not applicable — and the
 * next one; a check without a result counts as not passed.
 */
export function levelOf(
  levels: ScorecardLevel[],
  outcomes: Map<string, StoredCheck['outcome']>,
): { level: string | null; nextLevel: string | null } {
  let level: string | null = null;
  for (const candidate of levels) {
    const met = candidate.checks.every(id => {
      const outcome = outcomes.get(id);
      return outcome !== undefined && outcome !== 'fail';
    });
    if (!met) return { level, nextLevel: candidate.id };
    level = candidate.id;
  }
  return { level, nextLevel: null };
}

/** The lowest level that asks for each check. */
export function levelOfCheck(levels: ScorecardLevel[]): Map<string, string> {
  const byCheck = new Map<string, string>();
  for (const level of levels) {
    for (const id of level.checks) {
      if (!byCheck.has(id)) byCheck.set(id, level.id);
    }
  }
  return byCheck;
}
