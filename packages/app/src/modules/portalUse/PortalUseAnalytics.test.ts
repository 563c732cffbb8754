import { PortalUseAnalytics } from './PortalUseAnalytics';

const context = { pluginId: 'app', extensionId: 'App' };

function analytics(fetch: jest.Mock) {
  return new PortalUseAnalytics({
    discoveryApi: {
      getBaseUrl: async (id: string) => `http://localhost:7007/api/${id}`,
    },
    fetchApi: { fetch },
    intervalMs: 1_000,
  });
}

const navigate = (subject: string) => ({
  action: 'navigate',
  subject,
  context,
});

describe('PortalUseAnalytics', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('sends the pages opened in one batch after the interval, and nothing else of the events', async () => {
    const fetch = jest
      .fn()
      .mockResolvedValue(new Response(null, { status: 202 }));
    const tracker = analytics(fetch);
    tracker.captureEvent(navigate('/catalog/default/component/checkout'));
    tracker.captureEvent({ action: 'click', subject: 'Create', context });
    tracker.captureEvent(navigate('/docs/default/component/checkout/'));
    expect(fetch).not.toHaveBeenCalled();

    await jest.advanceTimersByTimeAsync(1_000);
    expect(fetch).toHaveBeenCalledTimes(1);
    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe('http://localhost:7007/api/scorecards/usage');
    expect(init.method).toBe('POST');
    expect(JSON.parse(init.body)).toEqual({
      paths: [
        '/catalog/default/component/checkout',
        '/docs/default/component/checkout/',
      ],
    });
  });

  it('sends a full batch at once', async () => {
    const fetch = jest
      .fn()
      .mockResolvedValue(new Response(null, { status: 202 }));
    const tracker = analytics(fetch);
    for (let i = 0; i < 50; i++) tracker.captureEvent(navigate(`/p${i}`));
    await jest.advanceTimersByTimeAsync(0);
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(JSON.parse(fetch.mock.calls[0][1].body).paths).toHaveLength(50);
  });

  it('drops a batch the backend does not take, and keeps counting after', async () => {
    const fetch = jest
      .fn()
      .mockRejectedValueOnce(new TypeError('Failed to fetch'))
      .mockResolvedValue(new Response(null, { status: 202 }));
    const tracker = analytics(fetch);
    tracker.captureEvent(navigate('/scorecards'));
    await expect(tracker.flush()).resolves.toBeUndefined();
    tracker.captureEvent(navigate('/'));
    await jest.advanceTimersByTimeAsync(1_000);
    expect(fetch).toHaveBeenCalledTimes(2);
    expect(JSON.parse(fetch.mock.calls[1][1].body)).toEqual({ paths: ['/'] });
  });
});
