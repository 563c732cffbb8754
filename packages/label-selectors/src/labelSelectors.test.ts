import {
  fromSelectorObject,
  LabelSelectorError,
  matchesLabels,
  parseLabelSelector,
} from './labelSelectors';

const labels = { app: 'checkout', tier: 'web', track: 'stable' };

const strict = (text: string) =>
  parseLabelSelector(text, { parsing: 'strict' });
const lenient = (text: string) =>
  parseLabelSelector(text, { parsing: 'lenient' });

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
    expect(matchesLabels(strict(selector).requirements, labels)).toBe(expected);
    expect(matchesLabels(lenient(selector).requirements, labels)).toBe(
      expected,
    );
  });

  it('counts requirements, commas inside parentheses included in one', () => {
    expect(strict('app in (a,b),tier!=test,!legacy').requirements).toEqual([
      { key: 'app', operator: 'in', values: ['a', 'b'] },
      { key: 'tier', operator: 'notin', values: ['test'] },
      { key: 'legacy', operator: 'doesnotexist' },
    ]);
  });

  it('keeps the trimmed text it was parsed from', () => {
    expect(strict('  app=checkout ').text).toBe('app=checkout');
  });

  it('matches no label set against a missing one, except negations', () => {
    expect(matchesLabels(strict('app=checkout').requirements, undefined)).toBe(
      false,
    );
    expect(matchesLabels(strict('!app').requirements, undefined)).toBe(true);
  });

  describe('strictly', () => {
    it.each(['', '  ', 'app in (a', 'app=a,,tier=b', 'app=has space', '=x'])(
      'refuses %p',
      text => {
        expect(() => strict(text)).toThrow(LabelSelectorError);
      },
    );

    it.each([
      ['_app=x', /'_app' is not a label key/],
      ['app=a/b', /'a\/b' is not a label value/],
      ['', /the selector is empty/],
      ['a=b,,c=d', /empty requirement/],
      ['app in (a))', /unbalanced parentheses/],
    ])('says why %p is refused', (text, message) => {
      expect(() => strict(text)).toThrow(message);
    });

    it('keeps an empty value in a set: it is a valid label value', () => {
      expect(strict('app in (a,)').requirements).toEqual([
        { key: 'app', operator: 'in', values: ['a', ''] },
      ]);
    });
  });

  describe('leniently', () => {
    it('selects everything with an empty selector', () => {
      expect(lenient('  ').requirements).toEqual([]);
      expect(matchesLabels(lenient('').requirements, labels)).toBe(true);
    });

    it('passes over empty requirements and empty values in a set', () => {
      expect(lenient('app=checkout,, tier in (web,)').requirements).toEqual([
        { key: 'app', operator: 'in', values: ['checkout'] },
        { key: 'tier', operator: 'in', values: ['web'] },
      ]);
    });

    it('takes keys and values Kubernetes would not', () => {
      expect(lenient('_app=a/b').requirements).toEqual([
        { key: '_app', operator: 'in', values: ['a/b'] },
      ]);
    });

    it.each(['app in (a', 'app=has space', '=x', 'a b', 'app=(x)'])(
      'still refuses %p',
      text => {
        expect(() => lenient(text)).toThrow(LabelSelectorError);
      },
    );
  });

  it('matches OpenCost’s Prometheus label names when asked to', () => {
    const opencostLabels = {
      app_kubernetes_io_part_of: 'checkout',
      paved_dev_environment: 'production',
    };
    const matches = (text: string) =>
      matchesLabels(strict(text).requirements, opencostLabels, {
        prometheusLabelNames: true,
      });
    expect(
      matches(
        'app.kubernetes.io/part-of=checkout,paved.dev/environment=production',
      ),
    ).toBe(true);
    expect(matches('app.kubernetes.io/part-of=payments')).toBe(false);
    expect(matches('!app.kubernetes.io/part-of')).toBe(false);
    // Without the option a Kubernetes name finds only itself.
    expect(
      matchesLabels(
        strict('app.kubernetes.io/part-of=checkout').requirements,
        opencostLabels,
      ),
    ).toBe(false);
  });

  it('prefers the label under the key itself to its Prometheus name', () => {
    expect(
      matchesLabels(
        strict('paved.dev/team=a').requirements,
        { 'paved.dev/team': 'a', paved_dev_team: 'b' },
        { prometheusLabelNames: true },
      ),
    ).toBe(true);
  });
});

describe('selector objects', () => {
  it('reads matchLabels and matchExpressions', () => {
    const requirements = fromSelectorObject({
      matchLabels: { app: 'checkout' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['web', 'api'] },
        { key: 'canary', operator: 'DoesNotExist' },
        { key: 'odd', operator: 'Unknown' },
      ],
    });
    expect(requirements).toEqual([
      { key: 'app', operator: 'in', values: ['checkout'] },
      { key: 'tier', operator: 'in', values: ['web', 'api'] },
      { key: 'canary', operator: 'doesnotexist' },
    ]);
    expect(matchesLabels(requirements!, labels)).toBe(true);
    expect(matchesLabels(requirements!, { ...labels, canary: 'y' })).toBe(
      false,
    );
  });

  it('selects nothing without a selector and everything with an empty one', () => {
    expect(fromSelectorObject(undefined)).toBeUndefined();
    expect(fromSelectorObject({})).toEqual([]);
  });
});
