import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import {
  errorApiRef,
  githubAuthApiRef,
  type IdentityApi,
} from '@backstage/core-plugin-api';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { demoAdminAuthApiRef, PavedSignInPage } from './signInModule';
import { ProxiedAuth } from './ProxiedAuth';

const baseConfig = {
  app: { baseUrl: 'http://localhost:3000', title: 'Paved' },
  backend: { baseUrl: 'http://paved.test' },
};

const priya = {
  type: 'user' as const,
  userEntityRef: 'user:default/priya',
  ownershipEntityRefs: ['user:default/priya', 'group:default/platform'],
};

describe('the sign-in page', () => {
  let fetchMock: jest.SpyInstance;
  beforeEach(() => {
    localStorage.clear();
    fetchMock = jest.spyOn(globalThis, 'fetch');
  });
  afterEach(() => fetchMock.mockRestore());

  /**
   * Renders the page as the app does; the admin provider is the module's
   * (ProxiedAuth over the backend's `demo-admin` provider), GitHub a fake.
   */
  function render(config: object = {}) {
    const onSignInSuccess = jest.fn<void, [IdentityApi]>();
    const discoveryApi = mockApis.discovery({ baseUrl: 'http://paved.test' });
    const github = {
      getBackstageIdentity: jest.fn(async () => ({
        id: 'priya',
        token: 'github-token',
        identity: priya,
      })),
      getProfile: jest.fn(async () => ({ displayName: 'Priya Raman' })),
    };
    const result = renderInTestApp(
      <PavedSignInPage onSignInSuccess={onSignInSuccess} />,
      {
        config: { ...baseConfig, ...config },
        apis: [
          discoveryApi,
          [githubAuthApiRef, github],
          [
            demoAdminAuthApiRef,
            new ProxiedAuth({ discoveryApi, provider: 'demo-admin' }),
          ],
        ],
      },
    );
    return { ...result, onSignInSuccess };
  }

  it('offers GitHub only in production', async () => {
    const { onSignInSuccess } = render({ auth: { environment: 'production' } });
    expect(
      await screen.findByRole('heading', { name: 'Sign in to Paved' }),
    ).toBeInTheDocument();
    const github = await screen.findByText('Sign in with your GitHub account');
    expect(screen.queryByText('Guest')).not.toBeInTheDocument();
    expect(screen.queryByText('Platform admin')).not.toBeInTheDocument();

    fireEvent.click(
      within(github.closest('li')!).getByRole('button', { name: 'Sign In' }),
    );
    await waitFor(() => expect(onSignInSuccess).toHaveBeenCalledTimes(1));
    const identity = onSignInSuccess.mock.calls[0][0];
    expect((await identity.getBackstageIdentity()).userEntityRef).toBe(
      'user:default/priya',
    );
  });

  it('offers the guest and the platform admin locally, and not GitHub', async () => {
    render();
    expect(
      await screen.findByRole('heading', { name: 'Paved — local demo' }),
    ).toBeInTheDocument();
    expect(screen.getByText('Guest')).toBeInTheDocument();
    expect(screen.getByText('Platform admin')).toBeInTheDocument();
    expect(
      screen.getByText(
        /^Priya Raman of the platform team: decides on exceptions/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.queryByText('Sign in with your GitHub account'),
    ).not.toBeInTheDocument();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('signs the platform admin in through the demo-admin provider', async () => {
    fetchMock.mockResolvedValue(
      Response.json({
        profile: { displayName: 'Priya Raman' },
        backstageIdentity: { token: 'not-a-jwt', identity: priya },
      }),
    );
    const { onSignInSuccess } = render();
    const admin = await screen.findByText(/^Priya Raman of the platform team/);
    fireEvent.click(
      within(admin.closest('li')!).getByRole('button', { name: 'Sign In' }),
    );

    await waitFor(() => expect(onSignInSuccess).toHaveBeenCalledTimes(1));
    expect(fetchMock).toHaveBeenCalledWith(
      'http://paved.test/api/auth/demo-admin/refresh',
      expect.objectContaining({ credentials: 'include' }),
    );
    const identity = onSignInSuccess.mock.calls[0][0];
    expect((await identity.getBackstageIdentity()).userEntityRef).toBe(
      'user:default/priya',
    );
    expect((await identity.getProfileInfo()).displayName).toBe('Priya Raman');
  });

  it('reports a refused admin sign-in and stays on the page', async () => {
    fetchMock.mockResolvedValue(
      Response.json(
        {
          error: { name: 'NotFoundError', message: 'Unknown auth provider' },
          response: { statusCode: 404 },
        },
        { status: 404, statusText: 'Not Found' },
      ),
    );
    const { onSignInSuccess, apis } = render();
    const admin = await screen.findByText(/^Priya Raman of the platform team/);
    fireEvent.click(
      within(admin.closest('li')!).getByRole('button', { name: 'Sign In' }),
    );

    const errorApi = apis.get(errorApiRef) as unknown as ReturnType<
      typeof mockApis.error
    >;
    await waitFor(() =>
      expect(errorApi.getErrors().map(e => e.error.message)).toEqual([
        expect.stringMatching(/^Login failed.*404/),
      ]),
    );
    expect(onSignInSuccess).not.toHaveBeenCalled();
    expect(screen.getByText('Platform admin')).toBeInTheDocument();
  });
});
