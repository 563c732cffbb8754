import { mockServices } from '@backstage/backend-test-utils';
import { PlatformReads } from './PlatformReads';

const reads = PlatformReads.create({
  auth: mockServices.auth(),
  discovery: mockServices.discovery(),
});

const answer = (status: number, body: unknown) => async () =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
const backstageError = (name: string, message: string) => ({
  error: { name, message },
});

describe('PlatformReads.ask', () => {
  it('passes an answer on', async () => {
    await expect(reads.ask('dora', answer(200, { total: 3 }))).resolves.toEqual(
      {
        allowed: true,
        value: { total: 3 },
      },
    );
  });

  it('takes a 403 as "this stream is not yours to see", with the reason', async () => {
    await expect(
      reads.ask(
        'cost',
        answer(
          403,
          backstageError(
            'NotAllowedError',
            'You may not read the cost of group:default/a',
          ),
        ),
      ),
    ).resolves.toEqual({
      allowed: false,
      reason: 'You may not read the cost of group:default/a',
    });
  });

  it("answers the caller's own mistakes as theirs", async () => {
    await expect(
      reads.ask(
        'dora',
        answer(400, backstageError('InputError', 'bad environment')),
      ),
    ).rejects.toMatchObject({ name: 'InputError', message: 'bad environment' });
    await expect(
      reads.ask(
        'dora',
        answer(404, backstageError('NotFoundError', 'No entity x')),
      ),
    ).rejects.toMatchObject({ name: 'NotFoundError', message: 'No entity x' });
  });

  it('turns a failing or unreachable plugin into a retryable 503 naming it', async () => {
    await expect(
      reads.ask(
        'cost',
        answer(500, backstageError('Error', 'connection terminated')),
      ),
    ).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message:
        'The cost backend answered 500; try again (connection terminated)',
    });
    await expect(
      reads.ask('dora', async () => {
        throw new TypeError('fetch failed');
      }),
    ).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message: expect.stringMatching(/^The dora backend could not be reached/),
    });
    // An upstream 401 is Paved's problem, not the caller's.
    await expect(
      reads.ask(
        'dora',
        answer(401, backstageError('AuthenticationError', 'bad token')),
      ),
    ).rejects.toMatchObject({ name: 'ServiceUnavailableError' });
  });
});
