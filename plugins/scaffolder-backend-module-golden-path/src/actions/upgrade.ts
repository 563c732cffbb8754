import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  parseEntityRef,
  parseLocationRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { PermissionsService } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ActionContext,
  createTemplateAction,
} from '@backstage/plugin-scaffolder-node';
import { JsonObject, JsonValue } from '@backstage/types';
import { parse } from 'yaml';
import { z } from 'zod/v3';
import { REPO_NAME_PATTERN, TEMPLATE_BRANCH } from '../publish';
import { git, GitCommandError } from '../publish/git';
import { goldenPathUpgradePermission } from '../permissions';
import { PAVED_COMMITTER } from '../publish/LocalRepositoryPublisher';
import { skeletonUrlsOf, TemplateRenderer } from '../upgrade/renderTemplate';
import type {
  UpgradeCheckout,
  UpgradeRepositories,
} from '../upgrade/repositories';
import { parseActionInput } from './input';

const ID = 'goldenpath:upgrade';

export const TEMPLATE_VERSION_ANNOTATION = 'paved.dev/template-version';
export const ANSWERS_FILE = '.paved/answers.yaml';
const MANAGED_BY_LOCATION = 'backstage.io/managed-by-location';
const VERSION_TRAILER = 'Paved-Template-Version';
const CONFLICT_TRAILER = 'Paved-Conflict';

/** Versions that are safe inside a branch name. */
const VERSION_PATTERN = /^[0-9A-Za-z](?:[0-9A-Za-z.+_-]{0,62}[0-9A-Za-z])?$/;

const inputSchema = (zImpl: typeof z) =>
  zImpl.object({
    entityRef: zImpl
      .string()
      .min(1)
      .describe(
        'The component to upgrade, created from a golden path (e.g. component:default/payments-api)',
      ),
  });

const outputSchema = (zImpl: typeof z) =>
  zImpl.object({
    branch: zImpl
      .string()
      .describe('The upgrade branch, paved/upgrade-<version>'),
    version: zImpl.string().describe('The template version upgraded to'),
    conflicts: zImpl
      .array(zImpl.string())
      .describe(
        'Paths committed with conflict markers; resolve them before merging',
      ),
    repositoryUrl: zImpl
      .string()
      .describe('The repository (file:// for local)'),
    pullRequestUrl: zImpl
      .string()
      .optional()
      .describe('The pull request of the upgrade branch (GitHub only)'),
  });

interface Answers {
  template: string;
  templateVersion: string;
  values: JsonObject;
}

const committerEnv = {
  GIT_AUTHOR_NAME: PAVED_COMMITTER.name,
  GIT_AUTHOR_EMAIL: PAVED_COMMITTER.email,
  GIT_COMMITTER_NAME: PAVED_COMMITTER.name,
  GIT_COMMITTER_EMAIL: PAVED_COMMITTER.email,
};

async function revParse(cwd: string, rev: string): Promise<string | undefined> {
  try {
    return await git(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`], {
      cwd,
    });
  } catch (error) {
    if (error instanceof GitCommandError && error.exitCode === 1) {
      return undefined;
    }
    throw error;
  }
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The fetch:template values of the original run, from .paved/answers.yaml:
 * the path defaults, the form's answers, the `<field>Name` of each entity
 * ref answer (as the golden paths pass them) and the template's identity.
 */
export function valuesFromAnswers(
  answersFile: JsonObject,
  templateName: string,
  templateVersion: string,
): JsonObject {
  const answers = isObject(answersFile.answers) ? answersFile.answers : {};
  const defaults = isObject(answersFile.defaults) ? answersFile.defaults : {};
  const derived: Record<string, JsonValue> = {};
  for (const [key, value] of Object.entries(answers)) {
    if (typeof value === 'string' && /^[a-z]+:[^/:]+\/[^/:]+$/i.test(value)) {
      derived[`${key}Name`] = parseEntityRef(value).name;
    }
  }
  return {
    ...defaults,
    ...answers,
    ...derived,
    templateName,
    templateVersion,
  };
}

function parseAnswers(content: string, component: string): Answers {
  let doc: unknown;
  try {
    doc = parse(content);
  } catch (error) {
    throw new InputError(
      `${ANSWERS_FILE} of ${component} is not valid YAML: ${String(error)}`,
    );
  }
  if (
    !isObject(doc) ||
    typeof doc.template !== 'string' ||
    doc.templateVersion === undefined
  ) {
    throw new InputError(
      `${ANSWERS_FILE} of ${component} does not record the template and its version`,
    );
  }
  return {
    template: doc.template,
    templateVersion: String(doc.templateVersion),
    values: doc,
  };
}

/** The absolute path of a template's template.yaml, from its catalog location. */
function templateFilePath(location: string | undefined, ref: string): string {
  if (!location) {
    throw new InputError(`The template ${ref} has no managed-by-location`);
  }
  const { type, target } = parseLocationRef(location);
  if (type !== 'file') {
    throw new InputError(
      `The template ${ref} comes from a ${type} location; upgrades render local (file) templates only for now`,
    );
  }
  const path = target.startsWith('file:') ? fileURLToPath(target) : target;
  if (!isAbsolute(path)) {
    throw new InputError(`The template ${ref} has a relative location`);
  }
  return path;
}

function trailers(message: string, key: string): string[] {
  const prefix = `${key}: `;
  return message
    .split('\n')
    .filter(line => line.startsWith(prefix))
    .map(line => line.slice(prefix.length).trim());
}

/**
 * `goldenpath:upgrade`: three-way merges the change between the template
 * version a component was created from and the current one onto the
 * component's repository, on a branch `paved/upgrade-<version>` — a pull
 * request on GitHub.
 */
export function createGoldenPathUpgradeAction(options: {
  catalog: CatalogService;
  /** Authorizes `golden-path.upgrade.create` on the component for the initiator. */
  permissions: PermissionsService;
  /** The publish target's repositories (local or GitHub). */
  repositories: UpgradeRepositories;
  render: TemplateRenderer;
}) {
  const { catalog, permissions, repositories, render } = options;
  return createTemplateAction({
    id: ID,
    description:
      'Upgrades a component created from a golden path to the current template version: renders the old and new versions with the recorded answers and three-way merges the difference onto a branch paved/upgrade-<version> (with a pull request on GitHub). Conflicts are committed with their markers and listed.',
    supportsDryRun: false,
    schema: { input: inputSchema, output: outputSchema },
    async handler(ctx) {
      const input = parseActionInput(ID, inputSchema(z), ctx.input);
      let ref;
      try {
        ref = parseEntityRef(input.entityRef, {
          defaultKind: 'component',
          defaultNamespace: 'default',
        });
      } catch (error) {
        throw new InputError(
          `Invalid entityRef '${input.entityRef}': ${String(error)}`,
        );
      }
      if (ref.kind.toLocaleLowerCase('en-US') !== 'component') {
        throw new InputError(
          `Only components can be upgraded, got '${input.entityRef}'`,
        );
      }
      if (!REPO_NAME_PATTERN.test(ref.name)) {
        throw new InputError(
          `Invalid component name '${ref.name}': not a golden-path repository name`,
        );
      }
      const componentRef = stringifyEntityRef(ref);
      const credentials = await ctx.getInitiatorCredentials();
      const component = await catalog.getEntityByRef(componentRef, {
        credentials,
      });
      if (!component) {
        throw new NotFoundError(
          `The component ${componentRef} is not in the catalog`,
        );
      }
      // Before anything is cloned, rendered or pushed: the initiator may
      // upgrade this component (Paved's policy: its owners and admins).
      const [decision] = await permissions.authorize(
        [
          {
            permission: goldenPathUpgradePermission,
            resourceRef: componentRef,
          },
        ],
        { credentials },
      );
      if (decision.result !== AuthorizeResult.ALLOW) {
        throw new NotAllowedError(
          `You are not allowed to upgrade ${componentRef} (${goldenPathUpgradePermission.name}): only its owners may`,
        );
      }

      const checkout = await repositories.open(component, ref.name);
      try {
        await upgradeCheckout(checkout, componentRef, ctx);
      } finally {
        await checkout.close();
      }
    },
  });

  async function upgradeCheckout(
    checkout: UpgradeCheckout,
    componentRef: string,
    // The renderer runs fetch:template with this context, hence its type.
    ctx: ActionContext<any, any, any>,
  ) {
    const { repoPath, gitDir, repositoryUrl } = checkout;
    const credentials = await ctx.getInitiatorCredentials();
    const inRepo = { cwd: repoPath };
    const report = async (
      branch: string,
      version: string,
      conflicts: string[],
      message: string,
    ) => {
      const [title, ...body] = message.split('\n');
      const { pullRequestUrl } = await checkout.deliver({
        branch,
        title,
        body: body.join('\n').trim(),
      });
      ctx.output('branch', branch);
      ctx.output('version', version);
      ctx.output('conflicts', conflicts);
      ctx.output('repositoryUrl', repositoryUrl);
      if (pullRequestUrl) {
        ctx.output('pullRequestUrl', pullRequestUrl);
      }
    };

    const main = 'main';
    if (!(await revParse(repoPath, `refs/heads/${main}`))) {
      throw new InputError(`${repoPath} has no '${main}' branch`);
    }
    let answersContent;
    try {
      answersContent = await git(['show', `${main}:${ANSWERS_FILE}`], inRepo);
    } catch {
      throw new InputError(
        `${componentRef} was not created from a golden path: ${ANSWERS_FILE} is missing on ${main}`,
      );
    }
    const answers = parseAnswers(answersContent, componentRef);

    // The template as it is now.
    let templateRef;
    try {
      templateRef = stringifyEntityRef(
        parseEntityRef(answers.template, {
          defaultKind: 'template',
          defaultNamespace: 'default',
        }),
      );
    } catch (error) {
      throw new InputError(
        `${ANSWERS_FILE} names an invalid template '${answers.template}'`,
      );
    }
    const template = await catalog.getEntityByRef(templateRef, {
      credentials,
    });
    if (!template) {
      throw new NotFoundError(
        `The template ${templateRef} is not in the catalog`,
      );
    }
    const version =
      template.metadata.annotations?.[TEMPLATE_VERSION_ANNOTATION];
    if (!version || !VERSION_PATTERN.test(version)) {
      throw new InputError(
        `The template ${templateRef} has no valid ${TEMPLATE_VERSION_ANNOTATION} annotation`,
      );
    }
    const branch = `paved/upgrade-${version}`;

    // A re-run: the branch already holds this upgrade.
    const existing = await revParse(repoPath, `refs/heads/${branch}`);
    if (existing) {
      const message = await git(['log', '-1', '--format=%B', existing], inRepo);
      if (!trailers(message, VERSION_TRAILER).includes(version)) {
        throw new ConflictError(
          `${branch} already exists in ${repoPath} but is not a Paved upgrade to ${version}; it was not changed`,
        );
      }
      const conflicts = trailers(message, CONFLICT_TRAILER);
      ctx.logger.info(`${branch} already holds the upgrade to ${version}`);
      await report(branch, version, conflicts, message);
      return;
    }
    if (answers.templateVersion === version) {
      throw new InputError(
        `${componentRef} is already on version ${version} of ${templateRef}; there is nothing to upgrade`,
      );
    }

    // The base: paved/template, or for repositories published before it
    // existed, the pristine first commit.
    let base = await revParse(repoPath, `refs/heads/${TEMPLATE_BRANCH}`);
    if (!base) {
      base = (await git(['rev-list', '--max-parents=0', main], inRepo)).split(
        '\n',
      )[0];
      await git(
        ['update-ref', `refs/heads/${TEMPLATE_BRANCH}`, base, ''],
        inRepo,
      );
    }

    const work = await mkdtemp(join(tmpdir(), 'paved-upgrade-'));
    const index = join(gitDir, `paved-upgrade-${randomUUID()}.index`);
    const worktree = join(work, 'merge');
    let worktreeAdded = false;
    try {
      // 1. Render the current template (every skeleton it fetches) with the
      // recorded answers.
      const renderDir = join(work, 'render');
      await render({
        templatePath: templateFilePath(
          template.metadata.annotations?.[MANAGED_BY_LOCATION],
          templateRef,
        ),
        skeletonUrls: skeletonUrlsOf(template),
        values: valuesFromAnswers(
          answers.values,
          template.metadata.name,
          version,
        ),
        templateRef,
        targetDir: renderDir,
        ctx,
      });

      // 2. Commit it onto paved/template (pristine renders only).
      const inRender = {
        cwd: renderDir,
        env: {
          GIT_DIR: gitDir,
          GIT_WORK_TREE: renderDir,
          GIT_INDEX_FILE: index,
        },
      };
      await git(['add', '--all', '--', '.'], inRender);
      const tree = await git(['write-tree'], inRender);
      const baseTree = await git(['rev-parse', `${base}^{tree}`], inRepo);
      if (tree !== baseTree) {
        const commit = await git(
          [
            'commit-tree',
            tree,
            '-p',
            base,
            '-m',
            `Render ${templateRef} ${version}\n\n${VERSION_TRAILER}: ${version}`,
          ],
          { cwd: repoPath, env: committerEnv },
        );
        await git(
          ['update-ref', `refs/heads/${TEMPLATE_BRANCH}`, commit, base],
          inRepo,
        );
      }

      // 3. Merge it into a copy of main, in a private worktree.
      await git(
        ['worktree', 'add', '--quiet', '--detach', worktree, main],
        inRepo,
      );
      worktreeAdded = true;
      const inWorktree = { cwd: worktree, env: committerEnv };
      try {
        await git(
          ['merge', '--no-ff', '--no-commit', '--no-verify', TEMPLATE_BRANCH],
          inWorktree,
        );
      } catch (error) {
        // Exit 1: the merge stopped with conflicts, which are committed.
        if (!(error instanceof GitCommandError) || error.exitCode !== 1) {
          throw error;
        }
      }
      if (!(await revParse(worktree, 'MERGE_HEAD'))) {
        throw new InputError(
          `${main} of ${componentRef} already contains the render of ${version}; there is nothing to upgrade`,
        );
      }
      const unmerged = await git(
        ['diff', '--name-only', '--diff-filter=U', '-z'],
        inWorktree,
      );
      const conflicts = unmerged.split('\0').filter(Boolean).sort();
      await git(['add', '--all', '--', '.'], inWorktree);
      const message = [
        `Upgrade to ${templateRef} ${version}`,
        '',
        `Three-way merge of the template's change from ${answers.templateVersion} to ${version}.`,
        conflicts.length
          ? 'The files below are committed WITH conflict markers: resolve them before merging.'
          : 'No conflicts.',
        '',
        `${VERSION_TRAILER}: ${version}`,
        ...conflicts.map(path => `${CONFLICT_TRAILER}: ${path}`),
      ].join('\n');
      await git(
        [
          'commit',
          '--quiet',
          '--no-verify',
          '--cleanup=verbatim',
          '-m',
          message,
        ],
        inWorktree,
      );
      const head = await git(['rev-parse', 'HEAD'], inWorktree);
      await git(['update-ref', `refs/heads/${branch}`, head, ''], inRepo);

      ctx.logger.info(
        `Upgraded ${componentRef} to ${version} on ${branch} (${head})${
          conflicts.length ? `; conflicts: ${conflicts.join(', ')}` : ''
        }`,
      );
      await report(branch, version, conflicts, message);
    } finally {
      if (worktreeAdded) {
        await git(['worktree', 'remove', '--force', worktree], inRepo).catch(
          () => {},
        );
      }
      await rm(index, { force: true });
      await rm(`${index}.lock`, { force: true });
      await rm(work, { recursive: true, force: true });
      await git(['worktree', 'prune'], inRepo).catch(() => {});
    }
  }
}
