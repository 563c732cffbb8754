import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { Knex } from 'knex';
import { DatabaseDoraStore } from '../database/DatabaseDoraStore';
import { defaultMetricRules } from '../metrics/computeMetrics';
import { DoraMetricsService } from '../service/DoraMetricsService';

/** The metrics service over a store in `knex`, with the catalog of `catalog`. */
export async function metricsOn(knex: Knex, catalog: Entity[]) {
  const store = await DatabaseDoraStore.create({
    database: mockServices.database({ knex }),
  });
  const metrics = DoraMetricsService.create({
    store,
    catalog: catalogServiceMock({ entities: catalog }),
    auth: mockServices.auth(),
    rules: defaultMetricRules,
    logger: mockServices.logger.mock(),
  });
  return { store, metrics };
}
