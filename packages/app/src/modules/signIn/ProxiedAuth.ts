import type {
  BackstageIdentityApi,
  BackstageIdentityResponse,
  DiscoveryApi,
  ProfileInfo,
  ProfileInfoApi,
  SessionApi,
  SessionState,
} from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import type { Observable } from '@backstage/types';

type Session = {
  profile: ProfileInfo;
  backstageIdentity: BackstageIdentityResponse;
  /** Renew the token from here on (a minute before it expires). */
  renewAt: number;
};

/** When a Backstage token's `exp` claim says to renew it. */
function renewAt(token: string): number {
  const [, payload] = token.split('.');
  try {
    const { exp } = JSON.parse(
      window.atob(payload.replace(/-/g, '+').replace(/_/g, '/')),
    );
    if (typeof exp === 'number') return exp * 1000 - 60_000;
  } catch {
    // Not a JWT we can read: renew in five minutes.
  }
  return Date.now() + 5 * 60_000;
}

/** Nobody watches this provider's session state; it never changes by itself. */
const noSessionEvents: Observable<SessionState> = {
  subscribe: () => ({ unsubscribe: () => {}, closed: true }),
  [Symbol.observable]() {
    return this;
  },
};

/**
 * A sign-in with a proxy provider of the auth backend (one whose
 * `/refresh` signs the browser in without a login form, as the guest
 * provider's does), in the shape the sign-in page's provider cards take.
 */
export class ProxiedAuth
  implements ProfileInfoApi, BackstageIdentityApi, SessionApi
{
  readonly #discovery: DiscoveryApi;
  readonly #provider: string;
  #session: Promise<Session> | undefined;

  constructor(options: { discoveryApi: DiscoveryApi; provider: string }) {
    this.#discovery = options.discoveryApi;
    this.#provider = options.provider;
  }

  async getBackstageIdentity(): Promise<BackstageIdentityResponse> {
    return (await this.#current()).backstageIdentity;
  }

  async getProfile(): Promise<ProfileInfo> {
    return (await this.#current()).profile;
  }

  async signIn(): Promise<void> {
    await this.#current();
  }

  async signOut(): Promise<void> {
    this.#session = undefined;
  }

  sessionState$(): Observable<SessionState> {
    return noSessionEvents;
  }

  async #current(): Promise<Session> {
    const session = await this.#session;
    if (session && Date.now() < session.renewAt) return session;
    this.#session = this.#fetch();
    this.#session.catch(() => {
      this.#session = undefined;
    });
    return this.#session;
  }

  async #fetch(): Promise<Session> {
    const baseUrl = await this.#discovery.getBaseUrl('auth');
    const response = await fetch(`${baseUrl}/${this.#provider}/refresh`, {
      headers: { 'X-Requested-With': 'XMLHttpRequest' },
      credentials: 'include',
    });
    if (!response.ok) throw await ResponseError.fromResponse(response);
    const body = await response.json();
    return {
      profile: body.profile ?? {},
      backstageIdentity: body.backstageIdentity,
      renewAt: renewAt(body.backstageIdentity.token),
    };
  }
}
