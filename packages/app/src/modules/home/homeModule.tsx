import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { HomePageLayoutBlueprint } from '@backstage/plugin-home-react/alpha';

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

export const homeModule = createFrontendModule({
  pluginId: 'home',
  extensions: [pavedHomeLayout],
});
