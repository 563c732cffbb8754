import type {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';

/** Recent scaffolder tasks searched for upgrade runs. */
const TASKS_READ = 500;
/** Completed runs whose pull request is looked up, and how many at once. */
const MAX_PULL_REQUESTS = 50;
const CONCURRENCY = 8;
const READ_TIMEOUT_MS = 10_000;

/** A component's latest run of an upgrade template. */
export type UpgradeRun = {
  taskId: string;
  status: string;
  createdAt: string;
  pullRequestUrl?: string;
};

/** A scaffolder task as `GET /v2/tasks` lists it (the fields read here). */
export type ScaffolderTask = {
  id: string;
  status: string;
  createdAt: string;
  spec?: {
    templateInfo?: { entityRef?: string };
    parameters?: Record<string, unknown>;
  };
};

/** The component an upgrade run was for, as a full entity ref. */
function componentOf(task: ScaffolderTask): string | undefined {
  const component = task.spec?.parameters?.component;
  if (typeof component !== 'string') return undefined;
  try {
    return stringifyEntityRef(
      parseEntityRef(component, {
        defaultKind: 'component',
        defaultNamespace: 'default',
      }),
    );
  } catch {
    return undefined;
  }
}

/**
 * The newest run per component among tasks (newest first) of the upgrade
 * templates, for the components asked about.
 */
export function latestUpgradeRuns(
  tasks: ScaffolderTask[],
  upgradeTemplates: Set<string>,
  components: Set<string>,
): Map<string, UpgradeRun> {
  const runs = new Map<string, UpgradeRun>();
  for (const task of tasks) {
    const template = task.spec?.templateInfo?.entityRef;
    if (!template || !upgradeTemplates.has(template)) continue;
    const component = componentOf(task);
    if (!component || !components.has(component) || runs.has(component)) {
      continue;
    }
    runs.set(component, {
      taskId: task.id,
      status: task.status,
      createdAt: task.createdAt,
    });
  }
  return runs;
}

/**
 * The pull request a completed upgrade task opened: the upgrade template's
 * "Pull request" output link, unless it fell back to the repository (a
 * publish target without pull requests).
 */
export function pullRequestOf(
  events: Array<{ type?: string; body?: unknown }>,
): string | undefined {
  const completion = events.find(e => e.type === 'completion');
  const output = (completion?.body as { output?: unknown } | undefined)
    ?.output as
    | { links?: Array<{ title?: unknown; url?: unknown }> }
    | undefined;
  const links = Array.isArray(output?.links) ? output!.links : [];
  const url = (title: string) => {
    const found = links.find(l => l.title === title)?.url;
    return typeof found === 'string' && /^https?:\/\//.test(found)
      ? found
      : undefined;
  };
  const pullRequest = url('Pull request');
  return pullRequest && pullRequest !== url('Repository')
    ? pullRequest
    : undefined;
}

/**
 * The upgrade runs behind a campaign's template upgrade, read from the
 * scaffolder with the caller's credentials, so a reader sees the runs the
 * scaffolder lets them see and nothing else. A scaffolder that cannot be
 * read leaves the runs out; it never fails the campaign's page.
 */
export class UpgradeRuns {
  readonly #auth: AuthService;
  readonly #discovery: DiscoveryService;
  readonly #catalog: CatalogService;
  readonly #logger: LoggerService;

  constructor(options: {
    auth: AuthService;
    discovery: DiscoveryService;
    catalog: CatalogService;
    logger: LoggerService;
  }) {
    this.#auth = options.auth;
    this.#discovery = options.discovery;
    this.#catalog = options.catalog;
    this.#logger = options.logger;
  }

  /** The latest upgrade run of each component that has one. */
  async latest(
    entityRefs: string[],
    credentials: BackstageCredentials,
  ): Promise<Map<string, UpgradeRun>> {
    if (entityRefs.length === 0) return new Map();
    try {
      const { items } = await this.#catalog.getEntities(
        {
          filter: { kind: 'Template', 'spec.type': 'upgrade' },
          fields: ['kind', 'metadata.namespace', 'metadata.name'],
        },
        { credentials },
      );
      if (items.length === 0) return new Map();
      const baseUrl = await this.#discovery.getBaseUrl('scaffolder');
      const { token } = await this.#auth.getPluginRequestToken({
        onBehalfOf: credentials,
        targetPluginId: 'scaffolder',
      });
      const read = async (path: string) => {
        const response = await fetch(`${baseUrl}${path}`, {
          headers: { authorization: `Bearer ${token}` },
          signal: AbortSignal.timeout(READ_TIMEOUT_MS),
        });
        if (!response.ok) {
          throw new Error(`the scaffolder answered ${response.status}`);
        }
        return response.json();
      };
      const { tasks } = (await read(
        `/v2/tasks?order=desc:created_at&limit=${TASKS_READ}`,
      )) as { tasks: ScaffolderTask[] };
      const runs = latestUpgradeRuns(
        tasks,
        new Set(items.map(t => stringifyEntityRef(t))),
        new Set(entityRefs),
      );
      const completed = [...runs.values()]
        .filter(run => run.status === 'completed')
        .slice(0, MAX_PULL_REQUESTS);
      for (let i = 0; i < completed.length; i += CONCURRENCY) {
        await Promise.all(
          completed.slice(i, i + CONCURRENCY).map(async run => {
            const events = await read(
              `/v2/tasks/${encodeURIComponent(run.taskId)}/events`,
            );
            const url = Array.isArray(events)
              ? pullRequestOf(events)
              : undefined;
            if (url) run.pullRequestUrl = url;
          }),
        );
      }
      return runs;
    } catch (error) {
      this.#logger.warn(
        `Scorecards could not read the upgrade runs from the scaffolder; campaigns show none: ${error}`,
      );
      return new Map();
    }
  }
}
