import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UrlReaderService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { ScmIntegrations } from '@backstage/integration';
import { createFetchTemplateAction } from '@backstage/plugin-scaffolder-backend';
import { ActionContext } from '@backstage/plugin-scaffolder-node';
import { JsonObject } from '@backstage/types';

/** Renders a template's skeletons into an empty directory. */
export type TemplateRenderer = (request: {
  /** Absolute path of the template's file (e.g. templates/typescript-service.yaml). */
  templatePath: string;
  /**
   * The `url` of each of the template's `fetch:template` steps, in step
   * order, relative to the template's file (see `skeletonUrlsOf`).
   */
  skeletonUrls: string[];
  values: JsonObject;
  templateRef: string;
  targetDir: string;
  ctx: ActionContext<any, any, any>;
}) => Promise<void>;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The skeletons a template renders: the `url` of every `fetch:template`
 * step, in order (a golden path renders its own skeleton, then the shared
 * one). An upgrade renders them all, with the recorded answers as values.
 */
export function skeletonUrlsOf(template: Entity): string[] {
  const ref = stringifyEntityRef(template);
  const steps: unknown = template.spec?.steps;
  const stepList: unknown[] = Array.isArray(steps) ? steps : [];
  const urls = stepList
    .filter(isObject)
    .filter(step => step.action === 'fetch:template')
    .map(step => (isObject(step.input) ? step.input.url : undefined));
  if (urls.length === 0) {
    throw new InputError(
      `The template ${ref} has no fetch:template step to render`,
    );
  }
  return urls.map(url => {
    // The recorded answers are the values; a URL computed from the form
    // could not be rendered again.
    if (typeof url !== 'string' || !url || url.includes('${{')) {
      throw new InputError(
        `The template ${ref} has a fetch:template step without a fixed url`,
      );
    }
    return url;
  });
}

/**
 * The scaffolder's own `fetch:template` (same renderer, filters and
 * `${{ }}` syntax as a real run), invoked outside a task with a workspace of
 * its own, once per skeleton in the template's step order — so, as in a
 * real run, a file an earlier step wrote is never replaced by a later one.
 */
export function createFetchTemplateRenderer(options: {
  reader: UrlReaderService;
  integrations: ScmIntegrations;
}): TemplateRenderer {
  const fetchTemplate = createFetchTemplateAction(options);
  return async ({
    templatePath,
    skeletonUrls,
    values,
    templateRef,
    targetDir,
    ctx,
  }) => {
    const temporary: string[] = [];
    try {
      for (const url of skeletonUrls) {
        await fetchTemplate.handler({
          ...ctx,
          input: { url, values },
          workspacePath: targetDir,
          // fetchContents reads file:// base URLs straight from disk.
          templateInfo: {
            baseUrl: `file://${templatePath}`,
            entityRef: templateRef,
          },
          createTemporaryDirectory: async () => {
            const dir = await mkdtemp(join(tmpdir(), 'paved-render-'));
            temporary.push(dir);
            return dir;
          },
          output: () => {},
          isDryRun: false,
        } as any);
      }
    } finally {
      await Promise.all(
        temporary.map(dir => rm(dir, { recursive: true, force: true })),
      );
    }
  };
}
