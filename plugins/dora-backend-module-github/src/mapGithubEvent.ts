import { InputError } from '@backstage/errors';
import { githubEventIds } from './eventIds';

/**
 * Maps GitHub webhook payloads to DORA events. Only what DORA needs:
 * - `deployment_status` (success / failure / error) → a deployment, keyed by
 *   the GitHub deployment id so a later status of the same deployment
 *   updates it, and with the same id the poller gives it;
 * - `push` to the default branch → one change per commit;
 * - `pull_request` closed and merged → a change for the merge commit, with
 *   the PR's labels (so hotfix/revert labels count as rework);
 * - `issues` carrying an incident label → an incident, resolved when closed.
 * Everything else maps to no events.
 *
 * The fields used are checked first: a payload missing one, or holding it
 * with the wrong type, is an `InputError` naming every such field.
 */

export type GithubEventMappingOptions = { incidentLabels: string[] };

/** The GitHub events this module turns into DORA events. */
export const MAPPED_GITHUB_EVENTS: ReadonlySet<string> = new Set([
  'deployment_status',
  'push',
  'pull_request',
  'issues',
]);

type JsonObject = { [key: string]: unknown };

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}

// GitHub writes ISO-8601 with `Z` or an offset, as the DORA contract needs.
const ISO_TIMESTAMP =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
// SHA-1 (40) or SHA-256 (64) object names.
const COMMIT_SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/i;

/**
 * Reads the fields of one payload by path (`deployment.created_at`),
 * collecting every missing or mistyped one.
 */
class PayloadFields {
  readonly #payload: JsonObject;
  readonly problems: string[] = [];

  constructor(payload: JsonObject) {
    this.#payload = payload;
  }

  #at(path: string): unknown {
    let value: unknown = this.#payload;
    for (const key of path.split('.')) {
      if (Array.isArray(value)) value = value[Number(key)];
      else if (isObject(value)) value = value[key];
      else return undefined;
    }
    return value;
  }

  #check<T>(
    path: string,
    expected: string,
    accepts: (value: unknown) => boolean,
    optional = false,
  ): T | undefined {
    const value = this.#at(path);
    if (value === undefined || (optional && value === null)) {
      if (!optional) this.problems.push(`${path} is missing`);
      return undefined;
    }
    if (!accepts(value)) {
      this.problems.push(
        `${path} must be ${expected}, got ${
          typeof value === 'string' ? JSON.stringify(value) : describe(value)
        }`,
      );
      return undefined;
    }
    return value as T;
  }

  object(path: string) {
    return this.#check<JsonObject>(path, 'an object', isObject);
  }

  string(path: string, options: { optional?: boolean } = {}) {
    return this.#check<string>(
      path,
      'a non-empty string',
      v => typeof v === 'string' && v.length > 0,
      options.optional,
    );
  }

  boolean(path: string, options: { optional?: boolean } = {}) {
    return this.#check<boolean>(
      path,
      'true or false',
      v => typeof v === 'boolean',
      options.optional,
    );
  }

  id(path: string) {
    return this.#check<number>(
      path,
      'a positive integer',
      v => Number.isSafeInteger(v) && (v as number) > 0,
    );
  }

  timestamp(path: string, options: { optional?: boolean } = {}) {
    return this.#check<string>(
      path,
      'an ISO-8601 timestamp',
      v =>
        typeof v === 'string' &&
        ISO_TIMESTAMP.test(v) &&
        !Number.isNaN(Date.parse(v)),
      options.optional,
    );
  }

  sha(path: string, options: { optional?: boolean } = {}) {
    return this.#check<string>(
      path,
      'a commit sha (hex)',
      v => typeof v === 'string' && COMMIT_SHA.test(v),
      options.optional,
    );
  }

  array(path: string, options: { optional?: boolean } = {}) {
    return this.#check<unknown[]>(
      path,
      'an array',
      Array.isArray,
      options.optional,
    );
  }

  /** Label names of `labels` (objects with a `name`, or strings). */
  labels(path: string): string[] {
    const labels = this.array(path, { optional: true }) ?? [];
    return labels.flatMap((label, i) => {
      if (typeof label === 'string' && label) return [label];
      if (isObject(label) && typeof label.name === 'string' && label.name) {
        return [label.name];
      }
      this.problems.push(`${path}.${i} must be a label with a name`);
      return [];
    });
  }
}

function malformed(eventName: string, problems: string[]): InputError {
  return new InputError(
    `The ${eventName} payload cannot be used: ${problems.join('; ')}`,
  );
}

/**
 * The DORA events of one GitHub delivery: none for events and actions DORA
 * does not use. Throws an `InputError` naming the fields when a payload of a
 * mapped event lacks what it needs or has it with the wrong type.
 */
export function mapGithubEvent(
  eventName: string,
  payload: unknown,
  options: GithubEventMappingOptions,
): unknown[] {
  if (!MAPPED_GITHUB_EVENTS.has(eventName)) return [];
  if (!isObject(payload)) {
    throw malformed(eventName, [
      `the body must be a JSON object, got ${describe(payload)}`,
    ]);
  }
  const fields = new PayloadFields(payload);
  const service = fields.string('repository.full_name');
  const events = mapFields(eventName, fields, service ?? '', options);
  if (fields.problems.length > 0) throw malformed(eventName, fields.problems);
  return events;
}

function mapFields(
  eventName: string,
  fields: PayloadFields,
  service: string,
  options: GithubEventMappingOptions,
): unknown[] {
  switch (eventName) {
    case 'deployment_status': {
      fields.object('deployment_status');
      fields.object('deployment');
      const state = fields.string('deployment_status.state');
      const deploymentId = fields.id('deployment.id');
      const startedAt = fields.timestamp('deployment.created_at');
      const createdAt = fields.timestamp('deployment_status.created_at');
      const updatedAt = fields.timestamp('deployment_status.updated_at', {
        optional: true,
      });
      const commitSha = fields.sha('deployment.sha');
      const environment =
        fields.string('deployment_status.environment', { optional: true }) ??
        fields.string('deployment.environment');
      if (!state || !['success', 'failure', 'error'].includes(state)) {
        return [];
      }
      if (!startedAt || !createdAt || !deploymentId) return [];
      // GitHub's time of this status: what orders it among the others.
      const observedAt = updatedAt ?? createdAt;
      const finishedAt =
        Date.parse(observedAt) < Date.parse(startedAt) ? startedAt : observedAt;
      return [
        {
          type: 'deployment',
          id: githubEventIds.deployment(service, deploymentId),
          service,
          environment,
          status: state === 'success' ? 'success' : 'failure',
          startedAt,
          finishedAt,
          observedAt,
          commitSha,
        },
      ];
    }
    case 'push': {
      const ref = fields.string('ref');
      const defaultBranch = fields.string('repository.default_branch');
      const deleted = fields.boolean('deleted', { optional: true });
      const commits = fields.array('commits', { optional: true }) ?? [];
      if (ref !== `refs/heads/${defaultBranch}` || deleted) return [];
      return commits.map((_commit, i) => {
        const sha = fields.sha(`commits.${i}.id`);
        return {
          type: 'change',
          id: `commit-${sha}`,
          service,
          sha,
          authoredAt: fields.timestamp(`commits.${i}.timestamp`),
        };
      });
    }
    case 'pull_request': {
      const action = fields.string('action');
      fields.object('pull_request');
      const merged = fields.boolean('pull_request.merged', { optional: true });
      const mergeCommitSha = fields.sha('pull_request.merge_commit_sha', {
        optional: true,
      });
      if (action !== 'closed' || !merged || !mergeCommitSha) return [];
      return [
        {
          type: 'change',
          id: `pull-request-${fields.id('pull_request.id')}`,
          service,
          sha: mergeCommitSha,
          // The first commit's time is not in the payload; the PR's creation
          // is the closest lower bound the webhook offers.
          authoredAt: fields.timestamp('pull_request.created_at'),
          prNumber: fields.id('pull_request.number'),
          labels: fields.labels('pull_request.labels'),
        },
      ];
    }
    case 'issues': {
      fields.object('issue');
      const labels = fields.labels('issue.labels');
      if (!labels.some(l => options.incidentLabels.includes(l))) return [];
      const id = fields.id('issue.id');
      const state = fields.string('issue.state');
      const closedAt = fields.timestamp('issue.closed_at', { optional: true });
      return [
        {
          type: 'incident',
          id: `issue-${id}`,
          service,
          environment: 'production',
          openedAt: fields.timestamp('issue.created_at'),
          ...(state === 'closed' && closedAt ? { resolvedAt: closedAt } : {}),
        },
      ];
    }
    default:
      return [];
  }
}
