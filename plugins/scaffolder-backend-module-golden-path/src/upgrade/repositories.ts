import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { InputError, NotAllowedError } from '@backstage/errors';
import {
  DefaultGithubCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';
import { GoldenPathPublishConfig } from '../config';
import {
  LocalRepositoryPublisher as LocalPublisher,
  TEMPLATE_BRANCH,
} from '../publish';
import { git } from '../publish/git';

/** A component's repository, ready for `goldenpath:upgrade` to merge in. */
export interface UpgradeCheckout {
  /** Where git commands run (a working repository or a bare clone). */
  readonly repoPath: string;
  /** Its git directory (`<repoPath>/.git`, or `repoPath` for a bare clone). */
  readonly gitDir: string;
  /** The repository as users know it (file:// locally, https on GitHub). */
  readonly repositoryUrl: string;
  /**
   * Makes the upgrade branch reviewable. Locally the branch is all there
   * is; on GitHub it is pushed with `paved/template` and a pull request is
   * opened, or found when an earlier run opened it. Safe to repeat.
   */
  deliver(request: {
    branch: string;
    title: string;
    body: string;
  }): Promise<{ pullRequestUrl?: string }>;
  close(): Promise<void>;
}

/** Where the repositories of golden-path components live. */
export interface UpgradeRepositories {
  open(component: Entity, repoName: string): Promise<UpgradeCheckout>;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** The local publish target's repositories, upgraded in place. */
export class LocalUpgradeRepositories implements UpgradeRepositories {
  readonly #publisher: LocalPublisher;

  constructor(publisher: LocalPublisher) {
    this.#publisher = publisher;
  }

  async open(component: Entity, repoName: string): Promise<UpgradeCheckout> {
    const repoPath = this.#publisher.repositoryPath(repoName);
    if (!(await exists(join(repoPath, '.git')))) {
      throw new InputError(
        `${stringifyEntityRef(
          component,
        )} has no local golden-path repository at ${repoPath}`,
      );
    }
    return {
      repoPath,
      gitDir: join(repoPath, '.git'),
      repositoryUrl: pathToFileURL(repoPath).href,
      deliver: async () => ({}),
      close: async () => {},
    };
  }
}

const SLUG_ANNOTATION = 'github.com/project-slug';
const SLUG_PATTERN = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/;

interface PullRequest {
  html_url: string;
}

/**
 * Components published to GitHub: the repository is cloned (bare, into a
 * temporary directory), merged there, and the result pushed as a branch
 * with a pull request against `main`. The token goes to git in the
 * environment (never on a command line or in a URL) and to the REST API in
 * a header; neither is logged.
 */
export class GithubUpgradeRepositories implements UpgradeRepositories {
  readonly #host: string;
  readonly #owner: string;
  readonly #apiBaseUrl: string;
  readonly #getToken: (repositoryUrl: string) => Promise<string>;
  readonly #cloneUrl: (owner: string, repo: string) => string;

  constructor(options: {
    host: string;
    /** The organisation repositories are published to (when an entity has no slug). */
    owner: string;
    apiBaseUrl: string;
    getToken: (repositoryUrl: string) => Promise<string>;
    /** Where to clone from; `https://<host>/<owner>/<repo>.git` by default. */
    cloneUrl?: (owner: string, repo: string) => string;
  }) {
    this.#host = options.host;
    this.#owner = options.owner;
    this.#apiBaseUrl = options.apiBaseUrl.replace(/\/+$/, '');
    this.#getToken = options.getToken;
    this.#cloneUrl =
      options.cloneUrl ??
      ((owner, repo) => `https://${this.#host}/${owner}/${repo}.git`);
  }

  async open(component: Entity, repoName: string): Promise<UpgradeCheckout> {
    const slug = component.metadata.annotations?.[SLUG_ANNOTATION];
    const match = slug ? SLUG_PATTERN.exec(slug) : null;
    if (slug && !match) {
      throw new InputError(
        `${stringifyEntityRef(
          component,
        )} has an invalid ${SLUG_ANNOTATION} '${slug}', expected <owner>/<repository>`,
      );
    }
    const repo = match ? match[2] : repoName;
    // The portal's GitHub credentials may reach other organisations; an
    // upgrade only ever touches the configured one's repositories (GitHub
    // compares owner names case-insensitively).
    if (match && match[1].toLowerCase() !== this.#owner.toLowerCase()) {
      throw new NotAllowedError(
        `${stringifyEntityRef(component)} names the repository ${
          match[1]
        }/${repo} (${SLUG_ANNOTATION}), outside the GitHub organisation ${
          this.#owner
        }; golden-path upgrades only act on ${this.#owner}'s repositories`,
      );
    }
    const owner = this.#owner;
    if (repo === '.' || repo === '..') {
      throw new InputError(
        `${stringifyEntityRef(
          component,
        )} has an invalid ${SLUG_ANNOTATION} '${slug}'`,
      );
    }
    const repositoryUrl = `https://${this.#host}/${owner}/${repo}`;
    const token = await this.#getToken(repositoryUrl);
    const auth = {
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'http.extraHeader',
      GIT_CONFIG_VALUE_0: `Authorization: Basic ${Buffer.from(
        `x-access-token:${token}`,
      ).toString('base64')}`,
    };

    const work = await mkdtemp(join(tmpdir(), 'paved-upgrade-clone-'));
    const repoPath = join(work, `${repo}.git`);
    try {
      await git(
        ['clone', '--bare', '--quiet', this.#cloneUrl(owner, repo), repoPath],
        { cwd: work, env: auth },
      );
    } catch (error) {
      await rm(work, { recursive: true, force: true });
      throw error;
    }

    const api = async <T>(path: string, init?: RequestInit): Promise<T> => {
      const response = await fetch(`${this.#apiBaseUrl}${path}`, {
        ...init,
        headers: {
          Accept: 'application/vnd.github+json',
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/json',
          'X-GitHub-Api-Version': '2022-11-28',
        },
      });
      if (!response.ok) {
        const body = (await response.json().catch(() => ({}))) as {
          message?: string;
        };
        throw new Error(
          `GitHub answered ${response.status} for ${
            init?.method ?? 'GET'
          } /repos/${owner}/${repo}/pulls: ${
            body.message ?? response.statusText
          }`,
        );
      }
      return (await response.json()) as T;
    };

    return {
      repoPath,
      gitDir: repoPath,
      repositoryUrl,
      deliver: async ({ branch, title, body }) => {
        await git(
          [
            'push',
            '--quiet',
            'origin',
            `refs/heads/${TEMPLATE_BRANCH}:refs/heads/${TEMPLATE_BRANCH}`,
            `refs/heads/${branch}:refs/heads/${branch}`,
          ],
          { cwd: repoPath, env: auth },
        );
        const query = new URLSearchParams({
          head: `${owner}:${branch}`,
          state: 'all',
        });
        const [existing] = await api<PullRequest[]>(
          `/repos/${owner}/${repo}/pulls?${query}`,
        );
        if (existing) {
          return { pullRequestUrl: existing.html_url };
        }
        const created = await api<PullRequest>(
          `/repos/${owner}/${repo}/pulls`,
          {
            method: 'POST',
            body: JSON.stringify({ title, body, head: branch, base: 'main' }),
          },
        );
        return { pullRequestUrl: created.html_url };
      },
      close: () => rm(work, { recursive: true, force: true }),
    };
  }
}

/** The repositories of the publish target `paved.goldenPath.publish` selects. */
export function createUpgradeRepositories(
  publish: GoldenPathPublishConfig,
  config: Config,
): UpgradeRepositories {
  if (publish.target === 'local') {
    return new LocalUpgradeRepositories(
      LocalPublisher.create({ directory: publish.directory }),
    );
  }
  const integrations = ScmIntegrations.fromConfig(config);
  const credentials =
    DefaultGithubCredentialsProvider.fromIntegrations(integrations);
  return new GithubUpgradeRepositories({
    host: publish.host,
    owner: publish.owner,
    apiBaseUrl:
      integrations.github.byHost(publish.host)?.config.apiBaseUrl ??
      'https://api.github.com',
    getToken: async url => {
      const { token } = await credentials.getCredentials({ url });
      if (!token) {
        throw new InputError(
          `No GitHub credentials for ${url}: configure integrations.github for ${publish.host}`,
        );
      }
      return token;
    },
  });
}
