import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  LunrSearchEngine,
  MissingIndexError,
} from '@backstage/plugin-search-backend-node';
import { searchEngineRegistryExtensionPoint } from '@backstage/plugin-search-backend-node/alpha';
import { PgSearchEngine } from '@backstage/plugin-search-backend-module-pg';
import { SearchQuery } from '@backstage/plugin-search-common';

/**
 * The in-memory search engine of the local default, answering a search for
 * a kind of document that has nothing indexed yet with no results. The
 * stock engine answers such a search with a 500 ("Missing index for
 * techdocs"), which every TechDocs tab's search box sent while no docs
 * had been built yet.
 */
export class LocalSearchEngine extends LunrSearchEngine {
  async query(query: SearchQuery) {
    try {
      return await super.query(query);
    } catch (error) {
      if (error instanceof MissingIndexError) {
        return { results: [], numberOfResults: 0 };
      }
      throw error;
    }
  }
}

/**
 * Registers the local search engine where PostgreSQL's is not available
 * (production runs on PostgreSQL and its search engine, registered by
 * search-backend-module-pg; exactly one of the two registers).
 */
export default createBackendModule({
  pluginId: 'search',
  moduleId: 'paved-local-engine',
  register(env) {
    env.registerInit({
      deps: {
        searchEngineRegistry: searchEngineRegistryExtensionPoint,
        database: coreServices.database,
        logger: coreServices.logger,
      },
      async init({ searchEngineRegistry, database, logger }) {
        if (await PgSearchEngine.supported(database)) {
          return;
        }
        searchEngineRegistry.setSearchEngine(new LocalSearchEngine({ logger }));
      },
    });
  },
});
