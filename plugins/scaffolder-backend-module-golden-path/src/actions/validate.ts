import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { z } from 'zod/v3';
import {
  formatFinding,
  readWorkspaceFiles,
  runGuardrails,
} from '@paved/plugin-golden-path-node';
import { parseActionInput } from './input';
import { examples } from './validate.examples';

const ID = 'goldenpath:validate';

const inputSchema = (zImpl: typeof z) =>
  zImpl.object({
    path: zImpl
      .string()
      .describe(
        'Directory inside the workspace to check. Defaults to the workspace root.',
      )
      .optional(),
  });

const outputSchema = (zImpl: typeof z) =>
  zImpl.object({
    findings: zImpl
      .array(
        zImpl.object({
          check: zImpl.enum(['kubernetes', 'catalog', 'secrets', 'workflows']),
          file: zImpl.string(),
          line: zImpl.number().optional(),
          message: zImpl.string(),
        }),
      )
      .describe('Guardrail findings; empty when the workspace passes.'),
  });

function isInside(parent: string, child: string): boolean {
  const path = relative(parent, child);
  return !path.startsWith('..') && !isAbsolute(path);
}

/** The directory to check, which must stay inside the workspace (symbolic links resolved). */
async function resolveCheckedDirectory(
  workspacePath: string,
  path: string | undefined,
): Promise<string> {
  const root = resolve(workspacePath, path ?? '.');
  if (
    (path !== undefined && isAbsolute(path)) ||
    !isInside(workspacePath, root)
  ) {
    throw new InputError(
      `Invalid input to ${ID}: path '${path}' must be a relative directory inside the workspace`,
    );
  }
  const [realWorkspace, realRoot] = await Promise.all([
    realpath(workspacePath),
    realpath(root).catch(() => undefined),
  ]);
  const stats = realRoot ? await stat(realRoot) : undefined;
  if (!realRoot || !stats?.isDirectory()) {
    throw new InputError(
      `Invalid input to ${ID}: path '${
        path ?? '.'
      }' is not a directory in the workspace`,
    );
  }
  if (!isInside(realWorkspace, realRoot)) {
    throw new InputError(
      `Invalid input to ${ID}: path '${path}' leads outside the workspace`,
    );
  }
  return realRoot;
}

/**
 * `goldenpath:validate`: the golden-path guardrails over the rendered
 * workspace. Fails the task with every finding listed.
 */
export function createGoldenPathValidateAction(options: {
  catalog: CatalogService;
}) {
  const { catalog } = options;
  return createTemplateAction({
    id: ID,
    description:
      'Checks the rendered workspace against the golden-path guardrails (Kubernetes manifests, catalog-info.yaml, plaintext secrets, DORA reporting in CI) and fails with every finding.',
    examples,
    supportsDryRun: true,
    schema: { input: inputSchema, output: outputSchema },
    async handler(ctx) {
      const input = parseActionInput(ID, inputSchema(z), ctx.input);
      const root = await resolveCheckedDirectory(ctx.workspacePath, input.path);
      const credentials = await ctx.getInitiatorCredentials();

      const files = await readWorkspaceFiles(root);
      const findings = await runGuardrails(files, {
        entityExists: async entityRef =>
          Boolean(await catalog.getEntityByRef(entityRef, { credentials })),
      });

      ctx.output('findings', findings);
      if (findings.length === 0) {
        ctx.logger.info(
          `Golden-path guardrails passed for ${files.length} files`,
        );
        return;
      }
      const lines = findings.map(formatFinding);
      for (const line of lines) {
        ctx.logger.error(line);
      }
      throw new InputError(
        `Golden-path guardrails failed with ${findings.length} finding${
          findings.length === 1 ? '' : 's'
        }:\n${lines.map(line => `- ${line}`).join('\n')}`,
      );
    },
  });
}
