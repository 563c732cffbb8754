import {
  configApiRef,
  createApiRef,
  discoveryApiRef,
  githubAuthApiRef,
  useApi,
  type BackstageIdentityApi,
  type ProfileInfoApi,
  type SessionApi,
} from '@backstage/core-plugin-api';
import { SignInPage } from '@backstage/core-components';
import {
  ApiBlueprint,
  createFrontendModule,
} from '@backstage/frontend-plugin-api';
import {
  SignInPageBlueprint,
  type SignInPageProps,
} from '@backstage/plugin-app-react';
import { ProxiedAuth } from './ProxiedAuth';

/** The local demo's admin identity (the backend's `demo-admin` provider). */
export const demoAdminAuthApiRef = createApiRef<
  ProfileInfoApi & BackstageIdentityApi & SessionApi
>({ id: 'paved.auth.demo-admin' });

const demoAdminAuthApi = ApiBlueprint.make({
  name: 'demo-admin-auth',
  params: defineParams =>
    defineParams({
      api: demoAdminAuthApiRef,
      deps: { discoveryApi: discoveryApiRef },
      factory: ({ discoveryApi }) =>
        new ProxiedAuth({ discoveryApi, provider: 'demo-admin' }),
    }),
});

/**
 * GitHub in production (`auth.environment: production`); locally the
 * guest — a developer on the checkout team — and a platform admin of the
 * demo organisation, one click each. A session still open is resumed
 * without a click (the page asks every provider silently first).
 */
export const PavedSignInPage = (props: SignInPageProps) => {
  const config = useApi(configApiRef);
  if (config.getOptionalString('auth.environment') === 'production') {
    return (
      <SignInPage
        {...props}
        title="Sign in to Paved"
        providers={[
          {
            id: 'github-auth-provider',
            title: 'GitHub',
            message: 'Sign in with your GitHub account',
            apiRef: githubAuthApiRef,
          },
        ]}
      />
    );
  }
  return (
    <SignInPage
      {...props}
      title="Paved — local demo"
      providers={[
        'guest',
        {
          id: 'demo-admin-auth-provider',
          title: 'Platform admin',
          message:
            'Priya Raman of the platform team: decides on exceptions and sees what admins see. Local development only.',
          apiRef: demoAdminAuthApiRef,
        },
      ]}
    />
  );
};

const signInPage = SignInPageBlueprint.make({
  params: { loader: async () => PavedSignInPage },
});

export const signInModule = createFrontendModule({
  pluginId: 'app',
  extensions: [signInPage, demoAdminAuthApi],
});
