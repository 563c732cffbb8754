import {
  matches,
  parseAllocationSelector,
  parseSelector,
  specificity,
} from './selectors';

// Parsing and matching are tested in @paved/label-selectors; these are the
// rules cost allocation adds to them.
describe('allocation selectors', () => {
  it.each([
    '!team',
    'app!=checkout',
    'tier notin (web)',
    '!a,b!=c,d notin (e)',
  ])(
    'refuses %p as an allocation selector: it has no positive requirement',
    text => {
      expect(() => parseAllocationSelector(text)).toThrow(
        /only negations.*add a positive requirement/,
      );
    },
  );

  it.each(['app=checkout,!canary', 'tier in (web)', 'track,tier!=test'])(
    'accepts %p as an allocation selector',
    text => {
      expect(parseAllocationSelector(text).text).toBe(text);
    },
  );

  it('counts only positive requirements as specificity', () => {
    expect(specificity(parseSelector('app=a,!x,!y,z!=1,w notin (q)'))).toBe(1);
    expect(specificity(parseSelector('app in (a,b),tier,!legacy'))).toBe(2);
  });

  it.each(['', '  ', 'app=a,,tier=b', 'app=has space', '_app=x'])(
    'reads selectors strictly: refuses %p',
    text => {
      expect(() => parseSelector(text)).toThrow();
    },
  );

  it('matches OpenCost’s sanitised label names with the Kubernetes names', () => {
    const opencostLabels = {
      app_kubernetes_io_part_of: 'checkout',
      paved_dev_environment: 'production',
    };
    expect(
      matches(
        parseSelector(
          'app.kubernetes.io/part-of=checkout,paved.dev/environment=production',
        ),
        opencostLabels,
      ),
    ).toBe(true);
    expect(
      matches(
        parseSelector('app.kubernetes.io/part-of=payments'),
        opencostLabels,
      ),
    ).toBe(false);
  });
});
