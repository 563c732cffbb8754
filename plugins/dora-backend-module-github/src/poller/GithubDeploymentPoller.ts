import { Octokit } from '@octokit/rest';
import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import type {
  GithubCredentialsProvider,
  ScmIntegrationRegistry,
} from '@backstage/integration';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { queryAllEntities } from '@paved/catalog-scopes';
import type { DoraEventSink, DoraEventSource } from '@paved/plugin-dora-node';
import type {
  GithubSourceStore,
  PollCursor,
} from '../database/GithubSourceStore';
import { GITHUB_EVENT_SOURCE, githubEventIds } from '../eventIds';
import {
  authoredAt,
  type GithubCommit,
  type GithubDeployment,
  GithubRepositoryReader,
  pullRequestHint,
} from './GithubRepositoryReader';
import { realSleep, type Sleep, waitOnRateLimits } from './waitOnRateLimits';

export const PROJECT_SLUG_ANNOTATION = 'github.com/project-slug';
/** The largest batch the DORA sink takes. */
const MAX_EVENTS_PER_BATCH = 1000;
const DAY_MS = 24 * 60 * 60_000;
/**
 * A deployment with no final status holds the cursor (it is read again next
 * run) until it is this old; then it is taken as abandoned and passed over.
 */
const ABANDONED_AFTER_MS = DAY_MS;

export type GithubPollerOptions = {
  /** GitHub deployment environments to read, e.g. `production`. */
  environments: string[];
  /** How far back the first poll of a repository reads. */
  lookbackDays: number;
  /**
   * The GitHub organisation (or user) whose repositories are polled; a
   * component naming another owner's repository is skipped, so the
   * portal's credentials never read it. Unset: any owner.
   */
  organization?: string;
};

/** A GitHub repository and the catalog component its events belong to. */
type Repository = {
  owner: string;
  name: string;
  /** `owner/name` in lower case: the cursor key and part of event ids. */
  slug: string;
  entityRef: string;
};

type DeploymentEvent = {
  type: 'deployment';
  id: string;
  service: string;
  environment: string;
  status: 'success' | 'failure';
  startedAt: string;
  finishedAt: string;
  observedAt: string;
  commitSha: string;
  commits?: string[];
};

type ChangeEvent = {
  type: 'change';
  id: string;
  service: string;
  sha: string;
  authoredAt: string;
  prNumber?: number;
  labels?: string[];
};

type GithubEvent = DeploymentEvent | ChangeEvent;

function* batches<T>(items: T[], size: number) {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/**
 * Polls GitHub for the deployments of every catalog component annotated with
 * `github.com/project-slug`: per repository and configured environment, the
 * finished deployments since the last poll (a cursor in the database), the
 * commits each successful deployment delivered (compare with the previous
 * successful one) and a change per commit, with squash-merged pull requests
 * traced back to their first commit. GitHub's rate limits are waited out.
 * A repository that still fails is skipped for this run with its cursor left
 * where it was, so the next run reads it again.
 */
export class GithubDeploymentPoller implements DoraEventSource {
  readonly id = 'github-poller';
  readonly #catalog: CatalogService;
  readonly #auth: AuthService;
  readonly #integrations: ScmIntegrationRegistry;
  readonly #credentials: GithubCredentialsProvider;
  readonly #store: GithubSourceStore;
  readonly #logger: LoggerService;
  readonly #options: GithubPollerOptions;
  readonly #sleep: Sleep;
  readonly #now: () => Date;
  /** Components already logged as outside the organisation. */
  readonly #loggedOutside = new Set<string>();
  #sink?: DoraEventSink;

  static create(options: {
    catalog: CatalogService;
    auth: AuthService;
    integrations: ScmIntegrationRegistry;
    credentials: GithubCredentialsProvider;
    store: GithubSourceStore;
    logger: LoggerService;
    poll: GithubPollerOptions;
    /** How to wait out rate limits and backoffs; tests pass a fake. */
    sleep?: Sleep;
    now?: () => Date;
  }) {
    return new GithubDeploymentPoller(options);
  }

  private constructor(
    options: Parameters<typeof GithubDeploymentPoller.create>[0],
  ) {
    this.#catalog = options.catalog;
    this.#auth = options.auth;
    this.#integrations = options.integrations;
    this.#credentials = options.credentials;
    this.#store = options.store;
    this.#logger = options.logger;
    this.#options = options.poll;
    this.#sleep = options.sleep ?? realSleep;
    this.#now = options.now ?? (() => new Date());
  }

  async connect(sink: DoraEventSink) {
    this.#sink = sink;
  }

  /** One poll of every repository; what the scheduled task runs. */
  async poll(signal?: AbortSignal): Promise<void> {
    if (!this.#sink) {
      this.#logger.warn('GitHub poll skipped: the DORA plugin has not started');
      return;
    }
    const repositories = await this.#repositories();
    let failed = 0;
    for (const repository of repositories) {
      if (signal?.aborted) return;
      try {
        const counts = await this.#pollRepository(repository, this.#sink);
        this.#logger.debug(
          `GitHub poll of ${repository.slug}: ${counts.deployments} deployment(s), ${counts.changes} change(s)`,
        );
      } catch (error) {
        failed += 1;
        this.#logger.warn(
          `GitHub poll of ${repository.slug} failed and is retried next run: ${error}`,
        );
      }
    }
    this.#logger.info(
      `GitHub poll: ${repositories.length - failed} of ${
        repositories.length
      } repositories read`,
    );
  }

  /** Components with a project slug in the organisation, one per repository. */
  async #repositories(): Promise<Repository[]> {
    // Paged: every annotated component in bounded requests; a catalog that
    // fails ends the run as unavailable (503), and the next run tries again.
    const items = await queryAllEntities(
      this.#catalog,
      {
        kind: 'component',
        [`metadata.annotations.${PROJECT_SLUG_ANNOTATION}`]: { $exists: true },
      },
      {
        fields: [
          'kind',
          'metadata.name',
          'metadata.namespace',
          'metadata.annotations',
        ],
        credentials: await this.#auth.getOwnServiceCredentials(),
      },
    );
    const bySlug = new Map<string, Repository>();
    for (const entity of items) {
      const entityRef = stringifyEntityRef(entity);
      const annotation = entity.metadata.annotations?.[PROJECT_SLUG_ANNOTATION];
      const [owner, name, ...rest] = (annotation ?? '').trim().split('/');
      if (!owner || !name || rest.length > 0) {
        this.#logger.warn(
          `${entityRef}: ${PROJECT_SLUG_ANNOTATION} '${annotation}' is not owner/repo; not polled`,
        );
        continue;
      }
      const slug = `${owner}/${name}`.toLocaleLowerCase('en-US');
      if (!this.#inOrganization(owner)) {
        const key = `${entityRef} ${slug}`;
        if (!this.#loggedOutside.has(key)) {
          this.#loggedOutside.add(key);
          this.#logger.warn(
            `${entityRef}: ${slug} is not in the GitHub organisation ${
              this.#options.organization
            }; not polled`,
          );
        }
        continue;
      }
      const existing = bySlug.get(slug);
      if (existing) {
        // Event ids are per repository, so one component gets its events.
        this.#logger.warn(
          `${entityRef} and ${existing.entityRef} both name ${slug}; its events go to ${existing.entityRef}`,
        );
        continue;
      }
      bySlug.set(slug, { owner, name, slug, entityRef });
    }
    return [...bySlug.values()].sort((a, b) =>
      a.entityRef.localeCompare(b.entityRef),
    );
  }

  #inOrganization(owner: string) {
    const organization = this.#options.organization;
    return (
      !organization ||
      owner.toLocaleLowerCase('en-US') ===
        organization.toLocaleLowerCase('en-US')
    );
  }

  async #octokitFor(repository: Repository): Promise<Octokit> {
    const url = `https://github.com/${repository.owner}/${repository.name}`;
    const integration = this.#integrations.github.byUrl(url);
    const { token } = await this.#credentials.getCredentials({ url });
    const octokit = new Octokit({
      auth: token,
      baseUrl: integration?.config.apiBaseUrl ?? 'https://api.github.com',
      log: {
        debug: () => {},
        info: () => {},
        warn: message => this.#logger.warn(message),
        error: message => this.#logger.error(message),
      },
    });
    return waitOnRateLimits(octokit, {
      sleep: this.#sleep,
      now: this.#now,
      logger: this.#logger,
    });
  }

  /**
   * Reads every configured environment of one repository, hands the events
   * to the sink, and only then moves the repository's cursors.
   */
  async #pollRepository(repository: Repository, sink: DoraEventSink) {
    const reader = new GithubRepositoryReader(
      await this.#octokitFor(repository),
      repository.owner,
      repository.name,
    );
    const events = new Map<string, GithubEvent>();
    const cursors = new Map<string, PollCursor>();
    for (const environment of this.#options.environments) {
      const cursor = await this.#readEnvironment(
        reader,
        repository,
        environment,
        events,
      );
      if (cursor) cursors.set(environment, cursor);
    }
    const all = [...events.values()];
    for (const batch of batches(all, MAX_EVENTS_PER_BATCH)) {
      await sink.ingest(GITHUB_EVENT_SOURCE, batch);
    }
    await this.#store.saveCursors(repository.slug, cursors);
    return {
      deployments: all.filter(e => e.type === 'deployment').length,
      changes: all.filter(e => e.type === 'change').length,
    };
  }

  /**
   * Adds the events of one environment's new finished deployments (and the
   * changes they delivered) to `events`, keyed by id; returns the cursor
   * after them, or undefined when there was nothing new.
   */
  async #readEnvironment(
    reader: GithubRepositoryReader,
    repository: Repository,
    environment: string,
    events: Map<string, GithubEvent>,
  ): Promise<PollCursor | undefined> {
    const now = this.#now();
    let cursor = await this.#store.getCursor(repository.slug, environment);
    const deployments = await reader.deploymentsAfter(environment, {
      afterId: cursor?.deploymentId,
      since: new Date(now.getTime() - this.#options.lookbackDays * DAY_MS),
    });
    let baseSha = cursor?.baseSha;
    let moved = false;
    for (const deployment of deployments) {
      const outcome = await reader.outcomeOf(deployment);
      const age = now.getTime() - Date.parse(deployment.created_at);
      if (!outcome && age < ABANDONED_AFTER_MS) break; // read it next run
      // A deployment that never finished within a day is passed over.
      if (outcome) {
        let commits: GithubCommit[] = [];
        if (outcome.status === 'success') {
          commits = await this.#deliveredCommits(reader, baseSha, deployment);
          baseSha = deployment.sha;
        }
        for (const commit of commits) {
          const id = githubEventIds.commit(repository.slug, commit.sha);
          if (!events.has(id)) {
            events.set(id, await this.#changeEvent(reader, repository, commit));
          }
        }
        const event: DeploymentEvent = {
          type: 'deployment',
          id: githubEventIds.deployment(repository.slug, deployment.id),
          service: repository.entityRef,
          environment,
          status: outcome.status,
          startedAt: deployment.created_at,
          finishedAt: outcome.finishedAt,
          observedAt: outcome.observedAt,
          commitSha: deployment.sha,
          ...(outcome.status === 'success'
            ? { commits: commits.map(c => c.sha) }
            : {}),
        };
        events.set(event.id, event);
      }
      cursor = {
        deploymentId: deployment.id,
        deploymentCreatedAt: new Date(deployment.created_at),
        ...(baseSha ? { baseSha } : {}),
      };
      moved = true;
    }
    return moved ? cursor : undefined;
  }

  /** The commits a successful deployment delivered since the previous one. */
  async #deliveredCommits(
    reader: GithubRepositoryReader,
    baseSha: string | undefined,
    deployment: GithubDeployment,
  ): Promise<GithubCommit[]> {
    // The first deployment in the window has no base: it delivers its sha.
    if (!baseSha || baseSha === deployment.sha) return [];
    const commits = await reader.commitsBetween(baseSha, deployment.sha);
    if (!commits) {
      this.#logger.warn(
        `GitHub cannot compare ${baseSha}...${deployment.sha} for deployment ${deployment.id}; it delivers only its own sha`,
      );
      return [];
    }
    return commits;
  }

  /**
   * A change per delivered commit. A commit that merged a pull request
   * (squash or merge commit, recognised by GitHub's "(#123)" / "Merge pull
   * request #123" message and confirmed by the API) starts at the pull
   * request's first authored commit and carries its number and labels.
   */
  async #changeEvent(
    reader: GithubRepositoryReader,
    repository: Repository,
    commit: GithubCommit,
  ): Promise<ChangeEvent> {
    const event: ChangeEvent = {
      type: 'change',
      id: githubEventIds.commit(repository.slug, commit.sha),
      service: repository.entityRef,
      sha: commit.sha,
      authoredAt: authoredAt(commit) ?? this.#now().toISOString(),
    };
    if (pullRequestHint(commit.commit.message) === undefined) return event;
    const pull = await reader.mergedPullRequest(commit.sha);
    if (!pull) return event;
    const first = pull.firstAuthoredAt;
    return {
      ...event,
      ...(first && Date.parse(first) < Date.parse(event.authoredAt)
        ? { authoredAt: first }
        : {}),
      prNumber: pull.number,
      labels: pull.labels,
    };
  }
}
