import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UrlReaderService } from '@backstage/backend-plugin-api';
import { ScmIntegrations } from '@backstage/integration';
import { createFetchTemplateAction } from '@backstage/plugin-scaffolder-backend';
import { ActionContext } from '@backstage/plugin-scaffolder-node';
import { JsonObject } from '@backstage/types';

/** Renders a template's skeleton into an empty directory. */
export type TemplateRenderer = (request: {
  /** Absolute path of the template's template.yaml. */
  templatePath: string;
  /** Relative to template.yaml, e.g. ./skeleton. */
  skeletonUrl: string;
  values: JsonObject;
  templateRef: string;
  targetDir: string;
  ctx: ActionContext<any, any, any>;
}) => Promise<void>;

/**
 * The scaffolder's own `fetch:template` (same renderer, filters and
 * `${{ }}` syntax as a real run), invoked outside a task with a workspace of
 * its own.
 */
export function createFetchTemplateRenderer(options: {
  reader: UrlReaderService;
  integrations: ScmIntegrations;
}): TemplateRenderer {
  const fetchTemplate = createFetchTemplateAction(options);
  return async ({
    templatePath,
    skeletonUrl,
    values,
    templateRef,
    targetDir,
    ctx,
  }) => {
    const temporary: string[] = [];
    try {
      await fetchTemplate.handler({
        ...ctx,
        input: { url: skeletonUrl, values },
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
    } finally {
      await Promise.all(
        temporary.map(dir => rm(dir, { recursive: true, force: true })),
      );
    }
  };
}
