import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { SidebarContent } from './Sidebar';
import { skipToContentLink } from './SkipToContent';

export const navModule = createFrontendModule({
  pluginId: 'app',
  extensions: [SidebarContent, skipToContentLink],
});
