import { readFile, realpath } from 'node:fs/promises';
import { isAbsolute, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  Entity,
  stringifyEntityRef,
  stringifyLocationRef,
} from '@backstage/catalog-model';
import { InputError, isError, ResponseError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { parseAllDocuments } from 'yaml';
import { z } from 'zod/v3';
import { parseActionInput } from './input';
import { examples } from './register.examples';

const ID = 'goldenpath:register';

const inputSchema = (zImpl: typeof z) =>
  zImpl.object({
    catalogInfoUrl: zImpl
      .string()
      .url()
      .describe(
        'URL of the catalog-info.yaml to register: file:// (local publish target) or http(s)',
      ),
  });

const outputSchema = (zImpl: typeof z) =>
  zImpl.object({
    entityRef: zImpl
      .string()
      .describe('Ref of the registered component, e.g. component:default/x'),
  });

/** The entity a golden path is about: the first Component, else the first entity. */
function mainEntity(entities: Entity[]): Entity | undefined {
  const named = entities.filter(e => !e.metadata.name.startsWith('generated-'));
  return (
    named.find(e => e.kind.toLowerCase() === 'component') ??
    named[0] ??
    entities[0]
  );
}

function isConflict(error: unknown): boolean {
  if (!isError(error)) {
    return false;
  }
  if (error.name === 'ConflictError') {
    return true;
  }
  // The catalog service talks HTTP: a conflict arrives as a 409 response.
  return ResponseError.is(error) && error.response.status === 409;
}

function isInside(parent: string, child: string): boolean {
  const path = relative(parent, child);
  return path !== '' && !path.startsWith('..') && !isAbsolute(path);
}

/** The entities of a local catalog-info.yaml, read the way the catalog would. */
async function readLocalEntities(path: string): Promise<Entity[]> {
  let content: string;
  try {
    content = await readFile(path, 'utf8');
  } catch {
    throw new InputError(`Cannot read ${path}: the file does not exist`);
  }
  const entities: Entity[] = [];
  for (const doc of parseAllDocuments(content)) {
    if (doc.errors.length) {
      throw new InputError(
        `${path} is not valid YAML: ${doc.errors[0].message.split('\n')[0]}`,
      );
    }
    const value = doc.toJS({ maxAliasCount: 100 });
    if (
      value &&
      typeof value.kind === 'string' &&
      typeof value.metadata?.name === 'string'
    ) {
      entities.push(value as Entity);
    }
  }
  return entities;
}

/**
 * `goldenpath:register`: registers the published catalog-info.yaml as a
 * catalog location (`file` for the local target, `url` otherwise). A location
 * that is already registered is success, so the step can be re-run.
 */
export function createGoldenPathRegisterAction(options: {
  catalog: CatalogService;
  /** `file://` URLs must point inside this directory (the local publish target's). */
  localDirectory: string;
}) {
  const { catalog, localDirectory } = options;

  async function locationFor(
    catalogInfoUrl: string,
    credentials: BackstageCredentials,
  ): Promise<{ type: 'file' | 'url'; target: string; entities: Entity[] }> {
    const url = new URL(catalogInfoUrl);
    if (url.protocol === 'file:') {
      const path = fileURLToPath(url);
      const [directory, target] = await Promise.all([
        realpath(localDirectory).catch(() => localDirectory),
        realpath(path).catch(() => path),
      ]);
      if (!isInside(directory, target)) {
        throw new InputError(
          `Invalid input to ${ID}: file:// catalogInfoUrl must point into the golden-path repository directory ${localDirectory}`,
        );
      }
      return {
        type: 'file',
        target,
        entities: await readLocalEntities(target),
      };
    }
    if (url.protocol === 'https:' || url.protocol === 'http:') {
      // A dry run reads the file through the catalog's own integrations.
      const { entities } = await catalog.addLocation(
        { type: 'url', target: url.href, dryRun: true },
        { credentials },
      );
      return { type: 'url', target: url.href, entities };
    }
    throw new InputError(
      `Invalid input to ${ID}: catalogInfoUrl must be a file://, https:// or http:// URL, got ${url.protocol}`,
    );
  }

  return createTemplateAction({
    id: ID,
    description:
      'Registers the catalog-info.yaml of a published golden-path repository in the catalog (a file location for the local target, a url location otherwise). Re-running is safe.',
    examples,
    schema: { input: inputSchema, output: outputSchema },
    async handler(ctx) {
      const input = parseActionInput(ID, inputSchema(z), ctx.input);
      const credentials = await ctx.getInitiatorCredentials();
      const { type, target, entities } = await locationFor(
        input.catalogInfoUrl,
        credentials,
      );
      const entity = mainEntity(entities);
      if (!entity) {
        throw new InputError(`${input.catalogInfoUrl} contains no entity`);
      }
      const entityRef = stringifyEntityRef(entity);

      try {
        const { location } = await catalog.addLocation(
          { type, target },
          { credentials },
        );
        ctx.logger.info(
          `Registered ${type} location ${target} (${location.id}) for ${entityRef}`,
        );
      } catch (error) {
        if (!isConflict(error)) {
          throw error;
        }
        const existing = await catalog.getLocationByRef(
          stringifyLocationRef({ type, target }),
          { credentials },
        );
        if (!existing) {
          throw error;
        }
        ctx.logger.info(
          `The ${type} location ${target} is already registered (${existing.id}); nothing to do`,
        );
      }
      ctx.output('entityRef', entityRef);
    },
  });
}
