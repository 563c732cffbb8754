import { checkLevels, defaultLevels, levelOf } from './levels';

const outcomes = (
  entries: Record<string, 'pass' | 'fail' | 'not-applicable'>,
) => new Map(Object.entries(entries));

describe('scorecard levels', () => {
  const allPass = Object.fromEntries(
    defaultLevels.flatMap(l => l.checks).map(id => [id, 'pass' as const]),
  );

  it('reaches the highest level whose checks and those below it all pass or do not apply', () => {
    expect(levelOf(defaultLevels, outcomes(allPass))).toEqual({
      level: 'gold',
      nextLevel: null,
    });
    expect(
      levelOf(
        defaultLevels,
        outcomes({
          ...allPass,
          'apis-registered': 'not-applicable',
          'change-fail-rate': 'fail',
        }),
      ),
    ).toEqual({ level: 'silver', nextLevel: 'gold' });
  });

  it('does not skip a level: a gold check passing does not lift a component that fails bronze', () => {
    expect(
      levelOf(defaultLevels, outcomes({ ...allPass, 'has-owner': 'fail' })),
    ).toEqual({ level: null, nextLevel: 'bronze' });
  });

  it('counts a check without a result as not passed', () => {
    const { 'has-techdocs': _missing, ...rest } = allPass;
    expect(levelOf(defaultLevels, outcomes(rest)).level).toBe('bronze');
  });

  it('refuses levels naming an unknown check or the same id twice', () => {
    expect(() =>
      checkLevels([{ id: 'a', title: 'A', checks: ['nope'] }], ['has-owner']),
    ).toThrow(/level a names unknown check\(s\) nope/);
    expect(() =>
      checkLevels(
        [
          { id: 'a', title: 'A', checks: [] },
          { id: 'a', title: 'A again', checks: [] },
        ],
        [],
      ),
    ).toThrow(/names a twice/);
  });
});
