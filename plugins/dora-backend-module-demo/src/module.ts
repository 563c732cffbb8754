import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { doraSourcesExtensionPoint } from '@paved/plugin-dora-node';
import { demoHistory } from './demoHistory';

/**
 * Demo DORA history for the local default: about six months of deployments,
 * changes and incidents for the Fernhill demo components, ingested through
 * the real ingestion path when the backend starts. On only when
 * `dora.demo.enabled` is true (app-config.yaml); never in production.
 */
export const doraModuleDemo = createBackendModule({
  pluginId: 'dora',
  moduleId: 'demo',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        sources: doraSourcesExtensionPoint,
      },
      async init({ config, logger, sources }) {
        if (!config.getOptionalBoolean('dora.demo.enabled')) return;
        sources.addSource({
          id: 'demo',
          async connect(sink) {
            const events = demoHistory(new Date());
            let accepted = 0;
            for (let i = 0; i < events.length; i += 1000) {
              const result = await sink.ingest(
                'demo',
                events.slice(i, i + 1000),
              );
              accepted += result.accepted;
            }
            logger.info(
              `Demo DORA history: ${events.length} events, ${accepted} new or changed`,
            );
          },
        });
      },
    });
  },
});
