import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  authProvidersExtensionPoint,
  createProxyAuthenticator,
  createProxyAuthProviderFactory,
} from '@backstage/plugin-auth-node';

/** The provider id: its routes are /api/auth/demo-admin/*. */
export const DEMO_ADMIN_PROVIDER = 'demo-admin';

/**
 * The local demo's second identity: one click signs in as an admin of the
 * demo organisation (`auth.providers.demo-admin.userEntityRef`, a User in
 * the catalog), so the local portal shows what a platform team sees —
 * exceptions to decide, organisation-wide cost — beside the guest's
 * developer view. Like the guest provider it answers only when the backend
 * runs in development (`NODE_ENV=development`); production configuration
 * removes it (`demo-admin: null`), and a backend configured for production
 * (`auth.environment: production`) with it still present refuses to start.
 */
export default createBackendModule({
  pluginId: 'auth',
  moduleId: 'demo-admin-provider',
  register(reg) {
    reg.registerInit({
      deps: {
        providers: authProvidersExtensionPoint,
        config: coreServices.rootConfig,
      },
      async init({ providers, config }) {
        const settings = config.getOptionalConfig(
          `auth.providers.${DEMO_ADMIN_PROVIDER}`,
        );
        if (!settings) return;
        if (config.getOptionalString('auth.environment') === 'production') {
          throw new Error(
            'auth.providers.demo-admin signs anyone in as a portal admin and is for the local demo only; ' +
              'remove it (demo-admin: null) from a production configuration',
          );
        }
        const userEntityRef = settings.getString('userEntityRef');
        providers.registerProvider({
          providerId: DEMO_ADMIN_PROVIDER,
          factory: createProxyAuthProviderFactory({
            authenticator: createProxyAuthenticator({
              defaultProfileTransform: async () => ({ profile: {} }),
              initialize: () => ({
                disabled: process.env.NODE_ENV !== 'development',
              }),
              async authenticate(_, { disabled }) {
                if (disabled) {
                  throw new NotAllowedError(
                    'The demo admin sign-in works only in local development',
                  );
                }
                return { result: {} };
              },
            }),
            // Only a User of the catalog: its groups make it an admin.
            signInResolver: async (_, ctx) =>
              ctx.signInWithCatalogUser({ entityRef: userEntityRef }),
          }),
        });
      },
    });
  },
});
