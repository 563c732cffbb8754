import { z } from 'zod/v4';
import type { DoraEvent, DoraEventProblem } from './schema/openapi/generated';

/**
 * The DORA event contract CI pipelines post to `POST /api/dora/events`.
 * Timestamps are ISO-8601 with a time zone; ids are unique per source.
 */
const timestamp = z.iso.datetime({ offset: true });
const identifier = z.string().min(1).max(200);
const sha = z.string().min(4).max(64);

const common = {
  id: identifier,
  service: z.string().min(1).max(253),
  source: z.string().min(1).max(200).optional(),
};

export const deploymentEventSchema = z
  .object({
    type: z.literal('deployment'),
    ...common,
    environment: z.string().min(1).max(63),
    status: z.enum(['success', 'failure']),
    startedAt: timestamp,
    finishedAt: timestamp,
    commitSha: sha,
    commits: z.array(sha).max(10_000).optional(),
    rollback: z.boolean().optional(),
    unplanned: z.boolean().optional(),
    /**
     * When the source saw this state upstream (e.g. a GitHub deployment
     * status's `updated_at`). A stored deployment observed later is not
     * replaced by this one, so a replayed old status changes nothing.
     */
    observedAt: timestamp.optional(),
  })
  .strict()
  .refine(e => Date.parse(e.finishedAt) >= Date.parse(e.startedAt), {
    path: ['finishedAt'],
    message: 'finishedAt must not be before startedAt',
  });

/**
 * The label a change carries when it was made with an AI assistant: the
 * pull request label the GitHub source reads, or what `aiAssisted: true`
 * on a change event is stored as.
 */
export const AI_ASSISTED_LABEL = 'ai-assisted';

export const changeEventSchema = z
  .object({
    type: z.literal('change'),
    ...common,
    sha,
    authoredAt: timestamp,
    prNumber: z.number().int().positive().optional(),
    labels: z.array(z.string().min(1).max(100)).max(100).optional(),
    // Set by CI from the commit's `Assisted-by:` trailer (see the README).
    aiAssisted: z.boolean().optional(),
  })
  .strict();

/** A change's labels as stored: its own, and ai-assisted when marked so. */
export function changeLabels(event: {
  labels?: string[];
  aiAssisted?: boolean;
}): string[] {
  const labels = event.labels ?? [];
  return event.aiAssisted && !labels.includes(AI_ASSISTED_LABEL)
    ? [...labels, AI_ASSISTED_LABEL]
    : labels;
}

export const incidentEventSchema = z
  .object({
    type: z.literal('incident'),
    ...common,
    environment: z.string().min(1).max(63),
    openedAt: timestamp,
    resolvedAt: timestamp.optional(),
    causedByDeploymentId: identifier.optional(),
    causedBySha: sha.optional(),
    resolvedByDeploymentId: identifier.optional(),
  })
  .strict()
  .refine(
    e => !e.resolvedAt || Date.parse(e.resolvedAt) >= Date.parse(e.openedAt),
    { path: ['resolvedAt'], message: 'resolvedAt must not be before openedAt' },
  );

/**
 * The events' types are the models generated from the OpenAPI document;
 * the schemas above are the rulebook every batch is checked by (with
 * the checks across fields JSON Schema cannot state), and a test in the
 * DORA backend holds the two to the same contract.
 */
export type {
  ChangeEvent,
  DeploymentEvent,
  DoraEvent,
  DoraEventProblem,
  IncidentEvent,
} from './schema/openapi/generated';

export const MAX_EVENTS_PER_BATCH = 1000;

const schemaByType: Record<string, z.ZodType<DoraEvent>> = {
  deployment: deploymentEventSchema,
  change: changeEventSchema,
  incident: incidentEventSchema,
};

/**
 * Validates a whole batch. Either every event is valid and the typed events
 * are returned, or the list of every problem found (index, field, message).
 */
export function parseDoraEventBatch(
  body: unknown,
):
  | { ok: true; events: DoraEvent[] }
  | { ok: false; problems: DoraEventProblem[] } {
  const events = (body as { events?: unknown } | null)?.events;
  if (!Array.isArray(events)) {
    return {
      ok: false,
      problems: [
        { index: -1, field: 'events', message: 'expected an array of events' },
      ],
    };
  }
  if (events.length < 1 || events.length > MAX_EVENTS_PER_BATCH) {
    return {
      ok: false,
      problems: [
        {
          index: -1,
          field: 'events',
          message: `a batch holds 1 to ${MAX_EVENTS_PER_BATCH} events, got ${events.length}`,
        },
      ],
    };
  }

  const problems: DoraEventProblem[] = [];
  const parsed: DoraEvent[] = [];
  events.forEach((event, index) => {
    const type = (event as { type?: unknown } | null)?.type;
    const schema = typeof type === 'string' ? schemaByType[type] : undefined;
    if (!schema) {
      problems.push({
        index,
        field: 'type',
        message: `unknown event type ${JSON.stringify(
          type,
        )}; expected deployment, change or incident`,
      });
      return;
    }
    const result = schema.safeParse(event);
    if (result.success) {
      parsed.push(result.data);
    } else {
      for (const issue of result.error.issues) {
        problems.push({
          index,
          field: issue.path.join('.') || '(event)',
          message: issue.message,
        });
      }
    }
  });
  return problems.length > 0
    ? { ok: false, problems }
    : { ok: true, events: parsed };
}
