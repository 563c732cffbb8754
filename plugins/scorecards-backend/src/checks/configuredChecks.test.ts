import { ConfigReader } from '@backstage/config';
import type { Entity } from '@backstage/catalog-model';
import type { ScorecardFacts } from '@paved/plugin-scorecards-node';
import { configuredCheck, readConfiguredChecks } from './configuredChecks';

const read = (checks: object[]) =>
  readConfiguredChecks(
    new ConfigReader({ scorecards: { checks } } as ConstructorParameters<
      typeof ConfigReader
    >[0]),
  );

const runbook = {
  id: 'has-runbook',
  title: 'Links its runbook',
  rationale: 'On-call engineers need the runbook at 3 a.m.',
  fix: 'Add the paved.dev/runbook annotation with the runbook URL.',
  requires: { annotation: 'paved.dev/runbook' },
  appliesTo: { types: ['service'], lifecycles: ['production'] },
};

const component = (
  spec: NonNullable<Entity['spec']>,
  metadata: Partial<Entity['metadata']> = {},
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', ...metadata },
  spec,
});
const facts = {} as ScorecardFacts;

describe('checks stated in configuration', () => {
  it('passes a component that sets the annotation, fails one that does not, and does not apply elsewhere', () => {
    const [definition] = read([runbook]);
    const check = configuredCheck(definition);
    expect(check.description).toBe(
      'The component sets the paved.dev/runbook annotation.',
    );
    const production = { type: 'service', lifecycle: 'production' };
    expect(
      check.evaluate(
        component(production, {
          annotations: {
            'paved.dev/runbook': 'https://wiki/runbooks/checkout',
          },
        }),
        facts,
      ),
    ).toEqual({
      outcome: 'pass',
      evidence: 'Sets the paved.dev/runbook annotation.',
    });
    expect(
      check.evaluate(
        component(production, { annotations: { 'paved.dev/runbook': ' ' } }),
        facts,
      ),
    ).toEqual({
      outcome: 'fail',
      evidence: 'Does not set the paved.dev/runbook annotation.',
    });
    expect(
      check.evaluate(
        component({ type: 'website', lifecycle: 'production' }),
        facts,
      ),
    ).toEqual({
      outcome: 'not-applicable',
      evidence: 'Applies to components of type service; this one is website.',
    });
    expect(
      check.evaluate(
        component({ type: 'Service', lifecycle: 'experimental' }),
        facts,
      ).outcome,
    ).toBe('not-applicable');
  });

  it('reads a field by its dotted path', () => {
    const [definition] = read([
      {
        id: 'has-description',
        title: 'Says what it does',
        rationale: 'Search finds services by what they do.',
        fix: 'Add metadata.description to catalog-info.yaml.',
        requires: { field: 'metadata.description' },
      },
    ]);
    const check = configuredCheck(definition);
    expect(
      check.evaluate(
        component({}, { description: 'Takes payments for orders.' }),
        facts,
      ).outcome,
    ).toBe('pass');
    expect(check.evaluate(component({}), facts)).toEqual({
      outcome: 'fail',
      evidence: 'Does not set metadata.description.',
    });
  });

  it('refuses a definition that cannot work, naming it and what is wrong', () => {
    expect(() => read([{ ...runbook, id: 'Has Runbook' }])).toThrow(
      'scorecards.checks[0] (Has Runbook): the id must be lower-case words joined by hyphens, at most 64 characters',
    );
    expect(() => read([runbook, runbook])).toThrow(
      'scorecards.checks[1] (has-runbook): the id is used twice',
    );
    expect(() =>
      read([{ ...runbook, requires: { annotation: 'a', field: 'spec.x' } }]),
    ).toThrow('requires must name exactly one of annotation or field');
    expect(() =>
      read([{ ...runbook, requires: { field: 'status.items' } }]),
    ).toThrow(
      "requires.field must be a dotted path under metadata or spec, e.g. metadata.description, not 'status.items'",
    );
    expect(() => read([{ ...runbook, fix: undefined }])).toThrow(/fix/);
  });

  it('states none by default', () => {
    expect(readConfiguredChecks(new ConfigReader({}))).toEqual([]);
  });
});
