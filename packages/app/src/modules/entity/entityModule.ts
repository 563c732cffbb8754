import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { runbookIconLink } from './RunbookIconLink';
import { teamServicesCard } from './teamCards';

/**
 * Paved's additions to the catalog's entity pages: the About card's
 * Runbook link, and a team's services listed by name.
 */
export const entityModule = createFrontendModule({
  pluginId: 'catalog',
  extensions: [runbookIconLink, teamServicesCard],
});
