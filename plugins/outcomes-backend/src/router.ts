import express from 'express';
import type { HttpAuthService } from '@backstage/backend-plugin-api';
import type { OutcomesService } from './service/OutcomesService';
import { parseOutcomesQuery } from './service/window';
import { teamOutcomesCsv } from './service/teamsCsv';
import { createOpenApiRouter } from './schema/openapi/generated';

export type RouterOptions = {
  httpAuth: HttpAuthService;
  outcomes: OutcomesService;
};

/**
 * The routes of src/schema/openapi.yaml. Outcomes has no permission of its
 * own: every number comes from the DORA and cost APIs asked with the
 * caller's credentials, which check theirs.
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, outcomes } = options;
  const router = await createOpenApiRouter();

  router.get('/scope', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const query = parseOutcomesQuery(req.query);
    res.json(await outcomes.outcomes(query, credentials));
  });

  router.get('/teams', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const query = parseOutcomesQuery(req.query);
    res.json(await outcomes.teams(query, credentials));
  });

  router.get('/teams.csv', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const query = parseOutcomesQuery(req.query);
    const csv = teamOutcomesCsv(await outcomes.teams(query, credentials));
    res.type('text/csv').attachment('outcomes-teams.csv').send(csv);
  });

  return router;
}
