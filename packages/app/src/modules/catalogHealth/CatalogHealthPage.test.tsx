import { screen } from '@testing-library/react';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { CatalogHealthPage } from './CatalogHealthPage';

const catalogUrl = 'http://paved.test/api/catalog';

/** A stand-in for the catalog backend's unprocessed-entities endpoints. */
function catalogBackend(responses: Record<string, Response | unknown[]>) {
  return mockApis.fetch({
    baseImplementation: async input => {
      const url = String(input instanceof Request ? input.url : input);
      const reason = url.replace(`${catalogUrl}/entities/unprocessed/`, '');
      const response = responses[reason];
      if (response instanceof Response) return response;
      return Response.json({ type: reason, entities: response ?? [] });
    },
  });
}

const brokenLocation = {
  entity_id: 'a1',
  entity_ref: 'location:default/generated-abc',
  unprocessed_entity: {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Location',
    metadata: { name: 'generated-abc' },
    spec: { type: 'file', target: '/repo/catalog/broken.yaml' },
  },
  location_key: 'file:/repo/catalog/broken.yaml',
  next_update_at: '2026-11-26T10:00:00Z',
  last_discovery_at: '2026-11-26T09:59:00Z',
  errors: [
    {
      name: 'Error',
      message:
        'YAML error at file:/repo/catalog/broken.yaml, YAMLParseError: bad indentation',
    },
  ],
};

const waitingEntity = {
  ...brokenLocation,
  entity_id: 'b2',
  unprocessed_entity: {
    ...brokenLocation.unprocessed_entity,
    metadata: { name: 'still-queued' },
  },
  errors: [],
};

function render(fetchApi: ReturnType<typeof catalogBackend>) {
  return renderInTestApp(<CatalogHealthPage />, {
    apis: [mockApis.discovery({ baseUrl: 'http://paved.test' }), fetchApi],
  });
}

describe('CatalogHealthPage', () => {
  it('lists entities that failed processing with their errors and file', async () => {
    await render(
      catalogBackend({ pending: [brokenLocation, waitingEntity], failed: [] }),
    );

    expect(
      await screen.findByText('1 entity failed processing'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('location:default/generated-abc'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('file:/repo/catalog/broken.yaml'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/YAMLParseError: bad indentation/),
    ).toBeInTheDocument();
    // Entities merely waiting for their first processing are not problems.
    expect(screen.queryByText(/still-queued/)).not.toBeInTheDocument();
  });

  it('says so when everything processed cleanly', async () => {
    await render(catalogBackend({ pending: [], failed: [] }));
    expect(
      await screen.findByText(
        'Every catalog file and entity processed cleanly.',
      ),
    ).toBeInTheDocument();
  });

  it('shows a backend refusal as an error, not as a clean catalog', async () => {
    await render(
      catalogBackend({
        failed: Response.json(
          { error: { name: 'NotAllowedError', message: 'Unauthorized' } },
          { status: 403, statusText: 'Forbidden' },
        ),
        pending: [],
      }),
    );
    expect(
      await screen.findByText('Could not load processing errors'),
    ).toBeInTheDocument();
    expect(
      screen.queryByText('Every catalog file and entity processed cleanly.'),
    ).not.toBeInTheDocument();
  });
});
