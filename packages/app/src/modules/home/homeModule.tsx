import {
  AppRootElementBlueprint,
  createFrontendModule,
} from '@backstage/frontend-plugin-api';
import { HomePageLayoutBlueprint } from '@backstage/plugin-home-react/alpha';
import { PageVisitListener } from './visits';

/**
 * Replaces the home plugin's draggable widget grid with Paved's landing page:
 * search first, then the four things a developer comes here to do.
 */
const pavedHomeLayout = HomePageLayoutBlueprint.make({
  name: 'paved',
  params: {
    loader: () => import('./PavedHomeLayout').then(m => m.PavedHomeLayout),
  },
});

/** The home plugin's visit listener, counting an entity's tabs as one visit. */
const visitListener = AppRootElementBlueprint.make({
  name: 'visit-listener',
  params: { element: <PageVisitListener /> },
});

export const homeModule = createFrontendModule({
  pluginId: 'home',
  extensions: [pavedHomeLayout, visitListener],
});
