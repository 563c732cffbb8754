import { realpath } from 'node:fs/promises';
import {
  dirname,
  isAbsolute,
  join,
  relative,
  resolve as resolvePath,
} from 'node:path';
import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  CatalogProcessor,
  catalogLocationsExtensionPoint,
  catalogProcessingExtensionPoint,
  LocationSpec,
} from '@backstage/plugin-catalog-node';
import express from 'express';
import { readGoldenPathPublishConfig } from './config';

function isInside(parent: string, child: string): boolean {
  const path = relative(parent, child);
  return path === '' || (!path.startsWith('..') && !isAbsolute(path));
}

/** The real path of `path`, or of its nearest existing ancestor joined with the rest. */
async function realPathOf(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch {
    const parent = dirname(path);
    if (parent === path) {
      return path;
    }
    return resolvePath(await realPathOf(parent), relative(parent, path));
  }
}

/** Characters the catalog's file reader would take as a glob. */
const GLOB_CHARACTERS = /[*?[\]{}()!]/;

/**
 * Refuses a `file` location target outside `directory`: relative targets are
 * resolved as the catalog's file reader resolves them (against the
 * backend's working directory), symbolic links are followed, and globs are
 * refused (they could reach through a link).
 */
export async function assertFileTargetInside(
  directory: string,
  target: string,
): Promise<void> {
  const refuse = (why: string) =>
    new InputError(
      `Refused file location '${target}': ${why}; registered file locations must be files inside the golden-path repository directory ${directory}`,
    );
  if (typeof target !== 'string' || target === '') {
    throw refuse('no target');
  }
  if (target.startsWith('file:')) {
    throw refuse('use a path, not a file: URL');
  }
  if (GLOB_CHARACTERS.test(target)) {
    throw refuse('globs are not allowed');
  }
  const path = resolvePath(target);
  if (!isInside(directory, path)) {
    throw refuse('it is outside');
  }
  const [realDirectory, realTarget] = await Promise.all([
    realPathOf(directory),
    realPathOf(path),
  ]);
  if (!isInside(realDirectory, realTarget)) {
    throw refuse('it leads outside through a symbolic link');
  }
}

/**
 * `Location` entities read from a file inside the repository directory (a
 * repository's own catalog-info.yaml) may only point at files inside it too:
 * a repository cannot make the catalog read `/etc/passwd` or the backend's
 * configuration through a nested location.
 */
export class ConfinedFileLocationsProcessor implements CatalogProcessor {
  readonly #directory: string;

  constructor(directory: string) {
    this.#directory = directory;
  }

  getProcessorName(): string {
    return 'GoldenPathConfinedFileLocationsProcessor';
  }

  async preProcessEntity(
    entity: Entity,
    location: LocationSpec,
  ): Promise<Entity> {
    if (entity.kind !== 'Location' || location.type !== 'file') {
      return entity;
    }
    const source = resolvePath(location.target);
    const [realDirectory, realSource] = await Promise.all([
      realPathOf(this.#directory),
      realPathOf(source),
    ]);
    if (
      !isInside(this.#directory, source) &&
      !isInside(realDirectory, realSource)
    ) {
      return entity;
    }
    const spec = (entity.spec ?? {}) as {
      type?: unknown;
      target?: unknown;
      targets?: unknown;
    };
    if ((spec.type ?? location.type) !== 'file') {
      return entity;
    }
    const targets = [
      spec.target,
      ...(Array.isArray(spec.targets) ? spec.targets : []),
    ].filter((t): t is string => typeof t === 'string');
    for (const target of targets) {
      // As the catalog resolves them: relative to the file when starting with '.'.
      await assertFileTargetInside(
        this.#directory,
        target.startsWith('.')
          ? join(dirname(location.target), target)
          : target,
      );
    }
    return entity;
  }
}

/**
 * Lets the catalog accept registered `file` locations besides `url` ones, so
 * `goldenpath:register` can register repositories the local publish target
 * created — only files inside the local repository directory
 * (`paved.goldenPath.publish.local.directory`): a `POST /locations` or
 * `PUT /locations/:id` with any other `file` target is a 400, dry run or
 * not. Installed only for the `local` target outside production (see the
 * package's default export).
 *
 * @public
 */
export const catalogModuleGoldenPathFileLocations = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'golden-path-file-locations',
  register(reg) {
    reg.registerInit({
      deps: {
        locations: catalogLocationsExtensionPoint,
        processing: catalogProcessingExtensionPoint,
        config: coreServices.rootConfig,
        httpRouter: coreServices.httpRouter,
        logger: coreServices.logger,
      },
      async init({ locations, processing, config, httpRouter, logger }) {
        const { directory } = readGoldenPathPublishConfig(config);
        locations.setAllowedLocationTypes(['url', 'file']);
        processing.addProcessor(new ConfinedFileLocationsProcessor(directory));

        // Modules initialise before their plugin, so this runs ahead of the
        // catalog's own location routes (which find the body parsed).
        const guard = express.Router();
        guard.use('/locations', express.json());
        guard.use('/locations', (req, _res, next) => {
          const body: unknown = req.body;
          const isWrite = req.method === 'POST' || req.method === 'PUT';
          if (
            !isWrite ||
            typeof body !== 'object' ||
            body === null ||
            (body as { type?: unknown }).type !== 'file'
          ) {
            next();
            return;
          }
          assertFileTargetInside(
            directory,
            (body as { target?: unknown }).target as string,
          ).then(() => next(), next);
        });
        httpRouter.use(guard);

        logger.info(
          `Catalog accepts registered 'file' locations inside ${directory} for locally published golden-path repositories`,
        );
      },
    });
  },
});
