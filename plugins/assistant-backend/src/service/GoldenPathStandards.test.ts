import { mockCredentials } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { GoldenPathStandards } from './GoldenPathStandards';
import type { PortalReads } from './PortalReads';

const template = (
  name: string,
  type: string,
  tags: string[],
  version?: string,
): Entity => ({
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: {
    name,
    namespace: 'default',
    title: name,
    tags,
    ...(version
      ? { annotations: { 'paved.dev/template-version': version } }
      : {}),
  },
  spec: {
    type,
    parameters: [
      {
        title: 'Service',
        properties: { name: { title: 'Name' }, owner: { title: 'Owner' } },
      },
    ],
  },
});

const levels = {
  levels: [{ id: 'bronze', title: 'Bronze', checks: ['has-owner'] }],
  checks: [
    { id: 'has-owner', title: 'Has an owner', description: '', fix: '' },
  ],
};

const standards = (reads: Partial<PortalReads>) =>
  new GoldenPathStandards({
    catalog: catalogServiceMock({
      entities: [
        template(
          'typescript-service',
          'service',
          ['typescript', 'node'],
          '1.3.0',
        ),
        template('python-service', 'service', ['python', 'fastapi'], '1.2.0'),
        template('upgrade-component', 'upgrade', []),
      ],
    }),
    reads: reads as PortalReads,
    appBaseUrl: 'https://portal.example.com',
  });

describe('the golden-path standards an assistant follows', () => {
  it('ranks the golden paths for the service described, with the rules every change must pass', async () => {
    const answer = await standards({
      scorecardDefinitions: async () => levels,
    }).standards(
      { kindOfService: 'a Python HTTP API' },
      mockCredentials.user(),
    );
    expect(answer.bestFit).toBe('template:default/python-service');
    expect(answer.goldenPaths.map(p => p.templateRef)).toEqual([
      'template:default/python-service',
      'template:default/typescript-service',
    ]);
    expect(answer.goldenPaths[0]).toEqual({
      templateRef: 'template:default/python-service',
      title: 'python-service',
      description: '',
      type: 'service',
      tags: ['python', 'fastapi'],
      version: '1.2.0',
      asks: ['Name', 'Owner'],
      createUrl:
        'https://portal.example.com/create/templates/default/python-service',
    });
    expect(answer.guardrails.map(r => r.check)).toEqual(
      expect.arrayContaining(['kubernetes', 'catalog', 'secrets', 'workflows']),
    );
    expect(answer.requiredAnnotations).toContainEqual(
      expect.objectContaining({ annotation: 'paved.dev/template-version' }),
    );
    expect(answer.scorecard).toEqual({ available: true, ...levels });
  });

  it('names no best fit when nothing matches, and says why the scorecard is missing', async () => {
    const answer = await standards({
      scorecardDefinitions: async () => {
        throw Object.assign(new Error('down'), {
          name: 'ServiceUnavailableError',
        });
      },
    }).standards({ kindOfService: 'cobol mainframe' }, mockCredentials.user());
    expect(answer.bestFit).toBeNull();
    expect(answer.scorecard).toEqual({
      available: false,
      reason: 'ServiceUnavailableError: down',
    });
  });
});
