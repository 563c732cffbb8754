import { useEffect, type ReactNode } from 'react';
import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { AppRootWrapperBlueprint } from '@backstage/plugin-app-react';
import { TechDocsAddonLocations } from '@backstage/plugin-techdocs-react';
import { AddonBlueprint } from '@backstage/plugin-techdocs-react/alpha';
import { watchStockMarkup } from './stockRepairs';
import { UnderlinedDocsLinks } from './UnderlinedDocsLinks';

const StockMarkupRepairs = ({ children }: { children: ReactNode }) => {
  useEffect(() => watchStockMarkup(document), []);
  return <>{children}</>;
};

/** Mends stock components' markup for screen readers (see stockRepairs.ts). */
export const accessibilityModule = createFrontendModule({
  pluginId: 'app',
  extensions: [
    AppRootWrapperBlueprint.make({
      name: 'stock-markup-repairs',
      params: { component: StockMarkupRepairs },
    }),
  ],
});

/** TechDocs pages underline their links (see UnderlinedDocsLinks.tsx). */
export const techDocsAccessibilityModule = createFrontendModule({
  pluginId: 'techdocs',
  extensions: [
    AddonBlueprint.make({
      name: 'underlined-links',
      params: {
        name: 'UnderlinedLinks',
        location: TechDocsAddonLocations.Content,
        component: UnderlinedDocsLinks,
      },
    }),
  ],
});
