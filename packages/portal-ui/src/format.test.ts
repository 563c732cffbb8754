import { ResponseError } from '@backstage/errors';
import { errorMessage, isForbidden, plural } from './format';

describe('plural', () => {
  it('puts the noun in the plural unless there is exactly one', () => {
    expect(plural(1, 'service')).toBe('1 service');
    expect(plural(0, 'service')).toBe('0 services');
    expect(plural(2, 'delivered change')).toBe('2 delivered changes');
    expect(plural(3, 'pod', 'pods in total')).toBe('3 pods in total');
  });
});

describe('errorMessage and isForbidden', () => {
  it('shows the backend’s own words with the HTTP status, also from a bare error body', async () => {
    const proper = await ResponseError.fromResponse(
      new Response(
        JSON.stringify({
          error: { name: 'InputError', message: 'from must be before to' },
          response: { statusCode: 400 },
        }),
        { status: 400, headers: { 'content-type': 'application/json' } },
      ),
    );
    expect(errorMessage(proper)).toBe('from must be before to (HTTP 400)');
    const bare = await ResponseError.fromResponse(
      new Response(
        JSON.stringify({
          error: { name: 'NotAllowedError', message: 'Only portal admins' },
        }),
        { status: 403, headers: { 'content-type': 'application/json' } },
      ),
    );
    expect(errorMessage(bare)).toBe('Only portal admins (HTTP 403)');
    expect(isForbidden(bare)).toBe(true);
    expect(isForbidden(proper)).toBe(false);
    expect(errorMessage(new Error('Network down'))).toBe('Network down');
  });
});
