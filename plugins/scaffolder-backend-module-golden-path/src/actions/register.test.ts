import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMockDirectory } from '@backstage/backend-test-utils';
import { AddLocationRequest, Location } from '@backstage/catalog-client';
import { stringifyLocationRef } from '@backstage/catalog-model';
import { ConflictError, ResponseError } from '@backstage/errors';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { CATALOG_INFO } from '../__testUtils__/fixtures';
import { createGoldenPathRegisterAction } from './register';

/**
 * The catalog's location store, in memory: like the real one, adding a
 * location twice is a conflict. (The in-memory catalog mock has no locations.)
 */
function catalogWithLocations(
  options: { conflictAs?: 'error' | 'response' } = {},
) {
  const locations: Location[] = [];
  const catalog = catalogServiceMock.mock({
    async addLocation(request: AddLocationRequest) {
      const { type = 'url', target, dryRun } = request;
      if (dryRun) {
        return {
          location: {
            id: 'dry-run',
            type,
            target,
            entityRef: 'location:default/generated-dry-run',
          },
          entities: [
            {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'Component',
              metadata: { name: 'payments-api', namespace: 'default' },
              spec: { type: 'service', lifecycle: 'experimental', owner: 'x' },
            },
          ],
        };
      }
      if (locations.some(l => l.type === type && l.target === target)) {
        if (options.conflictAs === 'response') {
          throw await ResponseError.fromResponse(
            new Response(
              JSON.stringify({
                error: { name: 'ConflictError', message: 'exists' },
                request: { method: 'POST', url: '/locations' },
                response: { statusCode: 409 },
              }),
              { status: 409, headers: { 'content-type': 'application/json' } },
            ),
          );
        }
        throw new ConflictError(`Location ${type}:${target} already exists`);
      }
      const id = `location-${locations.length + 1}`;
      const location = {
        id,
        type,
        target,
        entityRef: `location:default/generated-${id}`,
      };
      locations.push(location);
      return { location, entities: [] };
    },
    async getLocationByRef(ref: string) {
      return locations.find(l => stringifyLocationRef(l) === ref);
    },
  });
  return { catalog, locations };
}

describe('goldenpath:register', () => {
  const root = createMockDirectory();
  const directory = root.resolve('repos');
  const catalogInfoPath = join(directory, 'payments-api', 'catalog-info.yaml');
  const catalogInfoUrl = pathToFileURL(catalogInfoPath).href;

  beforeEach(() => {
    root.clear();
    root.setContent({
      'repos/payments-api/catalog-info.yaml': CATALOG_INFO,
      'elsewhere/catalog-info.yaml': CATALOG_INFO,
    });
  });

  async function register(
    catalog: ReturnType<typeof catalogWithLocations>['catalog'],
    input: Record<string, unknown>,
  ) {
    const action = createGoldenPathRegisterAction({
      catalog,
      localDirectory: directory,
    });
    const ctx = createMockActionContext({
      input: input as any, // deliberately untyped: bad input is under test
    });
    await action.handler(ctx);
    return ctx.output as jest.Mock;
  }

  it('registers a file location for a file:// URL and outputs the entity ref', async () => {
    const { catalog, locations } = catalogWithLocations();
    const output = await register(catalog, { catalogInfoUrl });
    expect(locations).toEqual([
      expect.objectContaining({
        id: 'location-1',
        type: 'file',
        target: catalogInfoPath,
      }),
    ]);
    expect(output).toHaveBeenCalledWith(
      'entityRef',
      'component:default/payments-api',
    );
  });

  it.each(['error', 'response'] as const)(
    'returns the same entity ref when the location already exists (conflict as %s)',
    async conflictAs => {
      const { catalog, locations } = catalogWithLocations({ conflictAs });
      const first = await register(catalog, { catalogInfoUrl });
      const second = await register(catalog, { catalogInfoUrl });
      expect(second.mock.calls).toEqual(first.mock.calls);
      expect(locations).toHaveLength(1);
    },
  );

  it('registers a url location for an https URL', async () => {
    const { catalog, locations } = catalogWithLocations();
    const url =
      'https://github.com/fernhill/payments-api/blob/main/catalog-info.yaml';
    const output = await register(catalog, { catalogInfoUrl: url });
    expect(locations).toEqual([
      expect.objectContaining({ type: 'url', target: url }),
    ]);
    expect(output).toHaveBeenCalledWith(
      'entityRef',
      'component:default/payments-api',
    );
  });

  it('refuses file:// URLs outside the golden-path repository directory', async () => {
    const { catalog, locations } = catalogWithLocations();
    await expect(
      register(catalog, {
        catalogInfoUrl: pathToFileURL(
          root.resolve('elsewhere/catalog-info.yaml'),
        ).href,
      }),
    ).rejects.toMatchObject({ name: 'InputError' });
    await expect(
      register(catalog, {
        catalogInfoUrl: `${
          pathToFileURL(directory).href
        }/../elsewhere/catalog-info.yaml`,
      }),
    ).rejects.toMatchObject({ name: 'InputError' });
    expect(locations).toEqual([]);
  });

  it('fails clearly when the catalog-info file is missing', async () => {
    const { catalog, locations } = catalogWithLocations();
    await expect(
      register(catalog, {
        catalogInfoUrl: pathToFileURL(
          join(directory, 'other', 'catalog-info.yaml'),
        ).href,
      }),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining('does not exist'),
    });
    expect(locations).toEqual([]);
  });

  it.each([
    [{}, 'catalogInfoUrl: Required'],
    [{ catalogInfoUrl: 'catalog-info.yaml' }, 'catalogInfoUrl: Invalid url'],
    [
      { catalogInfoUrl: 'ftp://host/catalog-info.yaml' },
      'must be a file://, https:// or http:// URL',
    ],
  ])('rejects the input %j', async (input, message) => {
    const { catalog } = catalogWithLocations();
    await expect(register(catalog, input)).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining(message),
    });
  });
});
