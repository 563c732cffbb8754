import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod/v4';
import {
  changeEventSchema,
  deploymentEventSchema,
  incidentEventSchema,
  MAX_EVENTS_PER_BATCH,
  parseDoraEventBatch,
  type ChangeEvent,
  type DeploymentEvent,
  type DoraAliasConflict as SpecAliasConflict,
  type DoraIngestResult as SpecIngestResult,
  type IncidentEvent,
} from '@paved/plugin-dora-common';
import type { DoraIngestResult } from '@paved/plugin-dora-node';
import type { DoraEventIngestor } from '../service/DoraEventIngestor';
import { spec } from './openapi/generated';

/**
 * The event API is the contract CI pipelines are written against. The
 * OpenAPI document publishes it; the zod schemas of `@paved/plugin-dora-common`
 * check every batch (HTTP and server-side sources alike, listing every
 * problem). These tests hold the two to one contract, so neither can drift.
 */

/** True when each of A and B is assignable to the other. */
type MutuallyAssignable<A, B> = [A] extends [B]
  ? [B] extends [A]
    ? true
    : false
  : false;

/** Fails `yarn tsc` unless its type argument is `true`. */
function typeCheck<_T extends true>(): true {
  return true;
}

/** A JSON schema as a contract: without what only documents it. */
function contract(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(contract);
  if (schema === null || typeof schema !== 'object') return schema;
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (['description', 'example', '$schema'].includes(key)) continue;
    result[key] = contract(value);
  }
  // zod states an ISO-8601 date-time with an offset as a format and the
  // pattern that implements it; the spec names the format.
  if (result.format === 'date-time') delete result.pattern;
  return result;
}

/** A conflict as `GET /unattributed` lists it. */
type DoraAliasConflict = Awaited<
  ReturnType<DoraEventIngestor['aliasConflicts']>
>[number];

const specSchemas = spec.components.schemas;

describe('the DORA event contract', () => {
  it.each([
    ['DeploymentEvent', deploymentEventSchema],
    ['ChangeEvent', changeEventSchema],
    ['IncidentEvent', incidentEventSchema],
  ] as const)(
    'the spec publishes the %s the rulebook checks',
    (name, schema) => {
      expect(contract(specSchemas[name])).toEqual(
        contract(z.toJSONSchema(schema, { io: 'input' })),
      );
    },
  );

  it('the spec bounds a batch as the rulebook does', () => {
    const { events } = specSchemas.DoraEventBatch.properties;
    expect([events.minItems, events.maxItems]).toEqual([
      1,
      MAX_EVENTS_PER_BATCH,
    ]);
    expect(parseDoraEventBatch({ events: [] }).ok).toBe(false);
  });

  it('the spec example is a batch the rulebook accepts', () => {
    const example =
      spec.paths['/events'].post.requestBody.content['application/json']
        .example;
    expect(parseDoraEventBatch(example)).toMatchObject({ ok: true });
  });

  it('the generated models type the JSON the code sends and checks', () => {
    // Checked by `yarn tsc`; the calls only make the checks run as a test.
    expect([
      typeCheck<
        MutuallyAssignable<
          z.infer<typeof deploymentEventSchema>,
          DeploymentEvent
        >
      >(),
      typeCheck<
        MutuallyAssignable<z.infer<typeof changeEventSchema>, ChangeEvent>
      >(),
      typeCheck<
        MutuallyAssignable<z.infer<typeof incidentEventSchema>, IncidentEvent>
      >(),
      typeCheck<MutuallyAssignable<DoraIngestResult, SpecIngestResult>>(),
      typeCheck<MutuallyAssignable<DoraAliasConflict, SpecAliasConflict>>(),
    ]).toEqual([true, true, true, true, true]);
  });

  it('the published docs show the schemas and the example of the spec', () => {
    const page = readFileSync(
      resolve(__dirname, '../../../../docs/dora-events-api.md'),
      'utf8',
    );
    /** The JSON block after `heading` in the page. */
    const jsonAfter = (heading: string) => {
      const start = page.indexOf(heading);
      expect(start).toBeGreaterThanOrEqual(0);
      const block = /```json\n([\s\S]*?)\n```/.exec(page.slice(start));
      return JSON.parse(block![1]);
    };
    const {
      DoraEventBatch,
      DoraEvent,
      DeploymentEvent,
      ChangeEvent,
      IncidentEvent,
    } = specSchemas;
    expect(jsonAfter('### Schema')).toEqual({
      DoraEventBatch,
      DoraEvent,
      DeploymentEvent,
      ChangeEvent,
      IncidentEvent,
    });
    expect(jsonAfter('### Example')).toEqual(
      spec.paths['/events'].post.requestBody.content['application/json']
        .example,
    );
  });
});
