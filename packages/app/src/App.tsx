import { createApp } from '@backstage/frontend-defaults';
import { navModule } from './modules/nav';
import { homeModule } from './modules/home';
import { catalogHealthModule } from './modules/catalogHealth';
import { createModule } from './modules/create';
import { entityModule } from './modules/entity';
import { signInModule } from './modules/signIn';
import { portalUseModule } from './modules/portalUse';
import {
  accessibilityModule,
  techDocsAccessibilityModule,
} from './modules/accessibility';

/**
 * Plugins are discovered from this package's dependencies
 * (`app.packages: all` in app-config.yaml); the modules here carry
 * Paved's own branding, navigation and landing page.
 */
export default createApp({
  features: [
    signInModule,
    portalUseModule,
    navModule,
    homeModule,
    catalogHealthModule,
    createModule,
    entityModule,
    accessibilityModule,
    techDocsAccessibilityModule,
  ],
});
