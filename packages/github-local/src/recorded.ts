import fs from 'node:fs';
import path from 'node:path';
import examples from '@octokit/webhooks-examples';

/**
 * Recorded GitHub responses the answers are built on: headers, users,
 * labels and error bodies from `@octokit/fixtures` (read from disk: the
 * package is ESM-only), and deployment, deployment status and pull request
 * objects from `@octokit/webhooks-examples`.
 */

type RecordedExchange = {
  method: string;
  path: string;
  status: number;
  // A recorded JSON body of any shape; the fields used are read by name.
  response: any;
  headers: Record<string, string | number>;
};

function scenario(name: string): RecordedExchange[] {
  const dir = path.join(
    path.dirname(require.resolve('@octokit/fixtures/package.json')),
    'scenarios',
    'api.github.com',
    name,
  );
  return JSON.parse(
    fs.readFileSync(path.join(dir, 'normalized-fixture.json'), 'utf8'),
  );
}

/** Recorded headers minus those describing the recorded body or moment. */
function reusableHeaders(headers: RecordedExchange['headers']) {
  const {
    'content-length': _length,
    connection: _connection,
    etag: _etag,
    date: _date,
    'last-modified': _modified,
    ...rest
  } = headers;
  return Object.fromEntries(
    Object.entries(rest).map(([k, v]) => [k, String(v)]),
  );
}

function webhookExample(name: string, match: (payload: any) => boolean) {
  const found = examples.find(e => e.name === name)?.examples.find(match);
  if (!found) throw new Error(`no ${name} example`);
  // A webhook payload; the objects used are spread into REST answers.
  return found as any;
}

const errors = scenario('errors')[0];

export const recorded = {
  /** Headers of a recorded 200 (`GET /repos/{owner}/{repo}`). */
  okHeaders: reusableHeaders(scenario('get-repository')[0].headers),
  /** Headers of a recorded error response (the `errors` scenario's 422). */
  errorHeaders: reusableHeaders(errors.headers),
  errorBody: errors.response as { documentation_url: string },
  user: scenario('paginate-issues')[0].response[0].user as { login: string },
  labels: scenario('labels')[0].response as Array<{ name: string }>,
  deployment: webhookExample(
    'deployment_status',
    p => p.deployment_status.state === 'success',
  ),
  pullRequest: webhookExample('pull_request', p => p.action === 'closed')
    .pull_request,
};
