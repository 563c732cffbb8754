import {
  matches,
  parseAllocationSelector,
  parseSelector,
  specificity,
} from './selectors';

const labels = { app: 'checkout', tier: 'web', track: 'stable' };

describe('label selectors', () => {
  it.each([
    ['app=checkout', true],
    ['app==checkout', true],
    ['app=orders', false],
    ['app!=orders', true],
    ['app!=checkout', false],
    ['missing!=x', true],
    ['tier in (web, api)', true],
    ['tier in (api)', false],
    ['tier notin (api,batch)', true],
    ['tier notin (web)', false],
    ['missing notin (web)', true],
    ['track', true],
    ['missing', false],
    ['!missing', true],
    ['!track', false],
    ['app=checkout,tier in (web),!canary', true],
    ['app=checkout,tier=api', false],
  ])('%s matches: %s', (selector, expected) => {
    expect(matches(parseSelector(selector), labels)).toBe(expected);
  });

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
    expect(
      matches(parseSelector('!app.kubernetes.io/part-of'), opencostLabels),
    ).toBe(false);
  });

  it('counts requirements, commas inside parentheses included in one', () => {
    expect(
      parseSelector('app in (a,b),tier!=test,!legacy').requirements,
    ).toHaveLength(3);
  });

  it.each(['', '  ', 'app in (a', 'app=a,,tier=b', 'app=has space', '=x'])(
    'refuses %p',
    text => {
      expect(() => parseSelector(text)).toThrow();
    },
  );

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
});
