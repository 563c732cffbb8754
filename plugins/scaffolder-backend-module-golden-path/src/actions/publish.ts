import { UserEntity } from '@backstage/catalog-model';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { z } from 'zod/v3';
import { REPO_NAME_PATTERN, RepositoryPublisher } from '../publish';
import { PAVED_COMMITTER } from '../publish/LocalRepositoryPublisher';
import { parseActionInput } from './input';
import { examples } from './publish.examples';

const ID = 'goldenpath:publish';

/** Branch names git accepts and that cannot be mistaken for an option. */
const BRANCH_PATTERN =
  /^(?!.*\.\.)(?!.*\/\/)(?!.*\.lock$)[A-Za-z0-9][A-Za-z0-9._/-]*(?<![./])$/;

const inputSchema = (zImpl: typeof z) =>
  zImpl.object({
    repoName: zImpl
      .string()
      .regex(
        REPO_NAME_PATTERN,
        'must be a DNS label: 1–63 lowercase letters, digits and hyphens, starting and ending with a letter or digit',
      )
      .describe('Name of the new repository (a DNS label, e.g. payments-api)'),
    description: zImpl
      .string()
      .describe('Description of the new repository')
      .optional(),
    defaultBranch: zImpl
      .string()
      .regex(BRANCH_PATTERN, 'must be a valid git branch name')
      .describe("Branch of the initial commit. Default 'main'")
      .optional(),
  });

const outputSchema = (zImpl: typeof z) =>
  zImpl.object({
    remoteUrl: zImpl
      .string()
      .describe('Clone URL of the repository (file:// for the local target)'),
    repoContentsUrl: zImpl
      .string()
      .describe('URL of the repository contents at the default branch'),
    catalogInfoUrl: zImpl
      .string()
      .describe('URL of catalog-info.yaml, for goldenpath:register'),
    commitHash: zImpl.string().describe('The initial commit'),
  });

/** The commit author: the initiator's user entity, when there is one. */
function authorOf(
  entity: UserEntity | undefined,
): { name: string; email: string } | undefined {
  if (!entity) {
    return undefined;
  }
  return {
    name:
      entity.spec?.profile?.displayName ??
      entity.metadata.title ??
      entity.metadata.name,
    email: entity.spec?.profile?.email ?? PAVED_COMMITTER.email,
  };
}

/**
 * `goldenpath:publish`: creates the repository for a golden-path run in the
 * target the portal's configuration selects (not the template).
 */
export function createGoldenPathPublishAction(options: {
  publisher: RepositoryPublisher;
}) {
  const { publisher } = options;
  return createTemplateAction({
    id: ID,
    description: `Publishes the workspace as a new repository (target from paved.goldenPath.publish.target; currently ${publisher.target}).`,
    examples,
    schema: { input: inputSchema, output: outputSchema },
    async handler(ctx) {
      const input = parseActionInput(ID, inputSchema(z), ctx.input);
      const result = await publisher.publish(
        {
          workspacePath: ctx.workspacePath,
          repoName: input.repoName,
          description: input.description,
          defaultBranch: input.defaultBranch ?? 'main',
          author: authorOf(ctx.user?.entity),
        },
        ctx,
      );
      ctx.output('remoteUrl', result.remoteUrl);
      ctx.output('repoContentsUrl', result.repoContentsUrl);
      ctx.output('catalogInfoUrl', result.catalogInfoUrl);
      ctx.output('commitHash', result.commitHash);
    },
  });
}
