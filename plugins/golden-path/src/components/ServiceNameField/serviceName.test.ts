import { serviceNameProblems } from './serviceName';

describe('serviceNameProblems', () => {
  it('accepts a DNS label', () => {
    expect(serviceNameProblems('order-router')).toEqual([]);
    expect(serviceNameProblems('a1')).toEqual([]);
  });

  it('says in words which part of the rule a name breaks', () => {
    expect(serviceNameProblems('Order Router')).toEqual([
      'Use lowercase letters only: order router would do.',
      'Use only letters, digits and hyphens: no spaces.',
    ]);
    expect(serviceNameProblems('9lives-')).toEqual([
      'Start with a letter.',
      'End with a letter or a digit, not a hyphen.',
    ]);
    expect(serviceNameProblems('orders_api.v2')).toEqual([
      'Use only letters, digits and hyphens: no "_", ".".',
    ]);
    expect(serviceNameProblems('x')).toEqual(['Use at least 2 characters.']);
    expect(serviceNameProblems(`a${'b'.repeat(40)}`)).toEqual([
      'Use at most 40 characters (it has 41); cloud resources add an environment suffix.',
    ]);
  });

  it('asks for a name when there is none', () => {
    expect(serviceNameProblems(undefined)).toEqual([
      'Give the service a name, e.g. order-router.',
    ]);
  });

  it('agrees with the template’s pattern', () => {
    const pattern = /^[a-z]([a-z0-9-]*[a-z0-9])?$/;
    for (const name of [
      'ok-name',
      'Bad',
      'a-',
      '-a',
      'a_b',
      'ab',
      'a b',
      'a--b',
    ]) {
      expect(serviceNameProblems(name).length === 0).toBe(
        pattern.test(name) && name.length >= 2 && name.length <= 40,
      );
    }
  });
});
