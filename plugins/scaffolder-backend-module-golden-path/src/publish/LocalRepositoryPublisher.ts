import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConflictError, InputError } from '@backstage/errors';
import { git, GitCommandError } from './git';
import {
  PublishContext,
  PublishRequest,
  PublishResult,
  RepositoryPublisher,
} from './types';

/** A DNS label: what a repository (and later a Kubernetes object) may be called. */
export const REPO_NAME_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export const COMMIT_MESSAGE = 'Initial commit from a Paved golden path';

export const PAVED_COMMITTER = { name: 'Paved', email: 'paved@localhost' };

/**
 * The branch holding the pristine renders of the template (first the one
 * published, then one per upgrade): the merge base for template upgrades.
 */
export const TEMPLATE_BRANCH = 'paved/template';

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/**
 * The `local` publish target: one git working repository per golden-path
 * run, under a configured directory, committed with the real git CLI.
 * Publishing the same workspace again (task recovery) changes nothing.
 */
export class LocalRepositoryPublisher implements RepositoryPublisher {
  readonly target = 'local';
  readonly #directory: string;

  static create(options: { directory: string }) {
    if (!isAbsolute(options.directory)) {
      throw new Error(
        `The local repository directory must be absolute, got '${options.directory}'`,
      );
    }
    return new LocalRepositoryPublisher(options.directory);
  }

  private constructor(directory: string) {
    this.#directory = directory;
  }

  /** The repository's directory; refuses names that could leave the configured directory. */
  repositoryPath(repoName: string): string {
    if (!REPO_NAME_PATTERN.test(repoName)) {
      throw new InputError(
        `Invalid repository name '${repoName}': use 1–63 lowercase letters, digits and hyphens, starting and ending with a letter or digit`,
      );
    }
    const path = join(this.#directory, repoName);
    const fromDirectory = relative(this.#directory, path);
    if (
      fromDirectory !== repoName ||
      fromDirectory.startsWith('..') ||
      isAbsolute(fromDirectory)
    ) {
      throw new InputError(`Invalid repository name '${repoName}'`);
    }
    return path;
  }

  async publish(
    request: PublishRequest,
    ctx: PublishContext,
  ): Promise<PublishResult> {
    const repoPath = this.repositoryPath(request.repoName);
    const gitDir = join(repoPath, '.git');

    if (!(await exists(repoPath))) {
      await mkdir(this.#directory, { recursive: true });
      await git(
        [
          'init',
          '--quiet',
          '--initial-branch',
          request.defaultBranch,
          repoPath,
        ],
        {
          cwd: this.#directory,
        },
      );
      if (request.description) {
        await writeFile(
          join(gitDir, 'description'),
          `${request.description}\n`,
        );
      }
    } else if (!(await exists(gitDir))) {
      throw new ConflictError(
        `Cannot publish '${request.repoName}': ${repoPath} already exists and is not a git repository. Choose another name or remove it.`,
      );
    }

    // Stage the workspace into a private index of the target repository: the
    // workspace's own .gitignore applies and nothing is copied yet.
    const index = join(gitDir, `paved-publish-${randomUUID()}.index`);
    const inWorkspace = {
      cwd: request.workspacePath,
      env: {
        GIT_DIR: gitDir,
        GIT_WORK_TREE: request.workspacePath,
        GIT_INDEX_FILE: index,
      },
    };
    try {
      await git(['add', '--all', '--', '.'], inWorkspace);
      const tree = await git(['write-tree'], inWorkspace);
      const head = await this.#head(repoPath);
      if (head) {
        return await this.#alreadyPublished(request, ctx, repoPath, head, tree);
      }

      const entries = (await readdir(repoPath)).filter(e => e !== '.git');
      if (entries.length > 0) {
        throw new ConflictError(
          `Cannot publish '${request.repoName}': ${repoPath} is a git repository without commits that already contains files. Choose another name or remove it.`,
        );
      }
      if ((await git(['ls-files'], inWorkspace)) === '') {
        throw new InputError(
          `Cannot publish '${request.repoName}': the workspace has no files to commit`,
        );
      }

      // A repository left without commits by an interrupted run may still be
      // on another branch; there is nothing to lose in switching it.
      await git(
        ['symbolic-ref', 'HEAD', `refs/heads/${request.defaultBranch}`],
        {
          cwd: repoPath,
        },
      );
      await git(
        ['commit', '--quiet', '--no-verify', '--message', COMMIT_MESSAGE],
        {
          ...inWorkspace,
          env: {
            ...inWorkspace.env,
            GIT_AUTHOR_NAME: (request.author ?? PAVED_COMMITTER).name,
            GIT_AUTHOR_EMAIL: (request.author ?? PAVED_COMMITTER).email,
            GIT_COMMITTER_NAME: PAVED_COMMITTER.name,
            GIT_COMMITTER_EMAIL: PAVED_COMMITTER.email,
          },
        },
      );
      // Check the commit out into the repository's own working tree.
      await git(['reset', '--quiet', '--hard', 'HEAD'], { cwd: repoPath });
      const commitHash = await git(['rev-parse', 'HEAD'], { cwd: repoPath });
      await this.#ensureTemplateBranch(repoPath, commitHash);
      ctx.logger.info(
        `Committed ${commitHash} to the local repository ${repoPath}`,
      );
      return this.#result(repoPath, commitHash);
    } finally {
      await rm(index, { force: true });
      await rm(`${index}.lock`, { force: true });
    }
  }

  async #head(repoPath: string): Promise<string | undefined> {
    try {
      return await git(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], {
        cwd: repoPath,
      });
    } catch (error) {
      if (error instanceof GitCommandError && error.exitCode === 1) {
        return undefined;
      }
      throw error;
    }
  }

  /** A re-run: the same single commit is success, anything else a conflict. */
  async #alreadyPublished(
    request: PublishRequest,
    ctx: PublishContext,
    repoPath: string,
    head: string,
    tree: string,
  ): Promise<PublishResult> {
    const [headTree, commits, branch] = await Promise.all([
      git(['rev-parse', 'HEAD^{tree}'], { cwd: repoPath }),
      git(['rev-list', '--count', 'HEAD'], { cwd: repoPath }),
      git(['symbolic-ref', '--quiet', '--short', 'HEAD'], {
        cwd: repoPath,
      }).catch(() => ''),
    ]);
    if (
      headTree !== tree ||
      commits !== '1' ||
      branch !== request.defaultBranch
    ) {
      let reason = `its branch is '${branch}', not '${request.defaultBranch}'`;
      if (headTree !== tree) {
        reason = 'its content differs from this workspace';
      } else if (commits !== '1') {
        reason = `it has ${commits} commits`;
      }
      throw new ConflictError(
        `Cannot publish '${request.repoName}': a different repository already exists at ${repoPath} (${reason}). It was not changed; choose another name or remove it.`,
      );
    }
    // An earlier run may have stopped between committing and checking out.
    if ((await git(['ls-files'], { cwd: repoPath })) === '') {
      await git(['reset', '--quiet', '--hard', 'HEAD'], { cwd: repoPath });
    }
    await this.#ensureTemplateBranch(repoPath, head);
    ctx.logger.info(
      `The local repository ${repoPath} already holds this workspace at ${head}; nothing to do`,
    );
    return this.#result(repoPath, head);
  }

  /** Points paved/template at the pristine render, unless it exists already. */
  async #ensureTemplateBranch(repoPath: string, commitHash: string) {
    // The empty old value makes update-ref refuse to move an existing branch.
    await git(['update-ref', `refs/heads/${TEMPLATE_BRANCH}`, commitHash, ''], {
      cwd: repoPath,
    }).catch(async error => {
      const existing = await git(
        ['rev-parse', '--verify', '--quiet', `refs/heads/${TEMPLATE_BRANCH}`],
        { cwd: repoPath },
      ).catch(() => '');
      if (!existing) {
        throw error;
      }
    });
  }

  #result(repoPath: string, commitHash: string): PublishResult {
    const repoUrl = pathToFileURL(repoPath).href;
    return {
      remoteUrl: repoUrl,
      repoContentsUrl: repoUrl,
      catalogInfoUrl: pathToFileURL(join(repoPath, 'catalog-info.yaml')).href,
      commitHash,
    };
  }
}
