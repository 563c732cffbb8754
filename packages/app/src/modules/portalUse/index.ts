import {
  createFrontendModule,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { AnalyticsImplementationBlueprint } from '@backstage/plugin-app-react';
import { PortalUseAnalytics } from './PortalUseAnalytics';

/**
 * Portal use for the Scorecards page's adoption: the pages people open,
 * counted by the scorecards backend as distinct users (never who).
 */
export const portalUseModule = createFrontendModule({
  pluginId: 'app',
  extensions: [
    AnalyticsImplementationBlueprint.make({
      name: 'portal-use',
      params: define =>
        define({
          deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
          factory: ({ discoveryApi, fetchApi }) =>
            new PortalUseAnalytics({ discoveryApi, fetchApi }),
        }),
    }),
  ],
});
