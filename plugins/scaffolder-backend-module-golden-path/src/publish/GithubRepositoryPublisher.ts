import { Config } from '@backstage/config';
import {
  DefaultGithubCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';
import { createPublishGithubAction } from '@backstage/plugin-scaffolder-backend-module-github';
import { JsonValue } from '@backstage/types';
import { COMMIT_MESSAGE } from './LocalRepositoryPublisher';
import {
  PublishContext,
  PublishRequest,
  PublishResult,
  RepositoryPublisher,
} from './types';

/** The part of the official `publish:github` action this target uses. */
export type PublishGithubAction = Pick<
  ReturnType<typeof createPublishGithubAction>,
  'id' | 'handler'
>;

type PublishGithubOutput = Partial<
  Record<'remoteUrl' | 'repoContentsUrl' | 'commitHash', string>
>;

/**
 * The `github` publish target: runs the official `publish:github` action
 * (repository creation, push, branch protection, checkpoints) for a
 * repository in the configured organisation.
 */
export class GithubRepositoryPublisher implements RepositoryPublisher {
  readonly target = 'github';
  readonly #host: string;
  readonly #owner: string;
  readonly #repoVisibility: 'private' | 'internal' | 'public';
  readonly #publishGithub: PublishGithubAction;

  static create(options: {
    host: string;
    owner: string;
    repoVisibility: 'private' | 'internal' | 'public';
    /** The `publish:github` action; built from the root config when omitted. */
    publishGithub?: PublishGithubAction;
    config: Config;
  }) {
    let publishGithub = options.publishGithub;
    if (!publishGithub) {
      const integrations = ScmIntegrations.fromConfig(options.config);
      publishGithub = createPublishGithubAction({
        integrations,
        config: options.config,
        githubCredentialsProvider:
          DefaultGithubCredentialsProvider.fromIntegrations(integrations),
        requireScmUserCredentials:
          options.config.getOptionalBoolean(
            'scaffolder.requireScmUserCredentials',
          ) ?? false,
      });
    }
    return new GithubRepositoryPublisher(
      options.host,
      options.owner,
      options.repoVisibility,
      publishGithub,
    );
  }

  private constructor(
    host: string,
    owner: string,
    repoVisibility: 'private' | 'internal' | 'public',
    publishGithub: PublishGithubAction,
  ) {
    this.#host = host;
    this.#owner = owner;
    this.#repoVisibility = repoVisibility;
    this.#publishGithub = publishGithub;
  }

  /** The scaffolder's repository URL form, e.g. `github.com?owner=fernhill&repo=payments`. */
  repoUrl(repoName: string): string {
    const query = new URLSearchParams({ owner: this.#owner, repo: repoName });
    return `${this.#host}?${query}`;
  }

  async publish(
    request: PublishRequest,
    ctx: PublishContext,
  ): Promise<PublishResult> {
    const outputs: PublishGithubOutput = {};
    await this.#publishGithub.handler({
      ...ctx,
      input: {
        repoUrl: this.repoUrl(request.repoName),
        description: request.description,
        defaultBranch: request.defaultBranch,
        repoVisibility: this.#repoVisibility,
        gitCommitMessage: COMMIT_MESSAGE,
        // Without an author, publish:github uses scaffolder.defaultAuthor.
        gitAuthorName: request.author?.name,
        gitAuthorEmail: request.author?.email,
      },
      output(name: string, value: JsonValue) {
        if (typeof value === 'string') {
          outputs[name as keyof PublishGithubOutput] = value;
        }
      },
    });
    const { remoteUrl, repoContentsUrl, commitHash } = outputs;
    if (!remoteUrl || !repoContentsUrl || !commitHash) {
      throw new Error(
        `${this.#publishGithub.id} did not report the repository it created`,
      );
    }
    return {
      remoteUrl,
      repoContentsUrl,
      catalogInfoUrl: `${repoContentsUrl}/catalog-info.yaml`,
      commitHash,
    };
  }
}
