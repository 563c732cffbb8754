#!/usr/bin/env node
/**
 * Runs a rendered repository's scripts/dora-deployment-event.sh in a scratch
 * git repository and validates what it prints with the DORA plugin's own
 * batch parser (plugins/dora-common/src/events.ts, the code behind
 * POST /api/dora/events), so the CI step cannot drift from the API.
 *
 *   node templates/scripts/check-dora-event.mjs <rendered-dir>
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repoRoot = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../..',
);
const rendered = path.resolve(
  process.argv[2] ?? fail('usage: check-dora-event.mjs <rendered-dir>'),
);
const script = path.join(rendered, 'scripts/dora-deployment-event.sh');
const { parseDoraEventBatch } = await import(
  pathToFileURL(path.join(repoRoot, 'plugins/dora-common/src/events.ts')).href
);

function fail(message) {
  console.error(`check-dora-event: FAIL ${message}`);
  process.exit(1);
}

const git = (cwd, ...args) =>
  execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'dora-event-'));
try {
  git(work, 'init', '-q', '-b', 'main');
  const shas = [];
  for (const n of [1, 2, 3, 4]) {
    fs.writeFileSync(path.join(work, 'f'), String(n));
    git(work, 'add', 'f');
    execFileSync(
      'git',
      [
        '-c',
        'user.name=ci',
        '-c',
        'user.email=ci@example.com',
        'commit',
        '-q',
        '-m',
        `c${n}`,
        // The third commit was written with an assistant.
        ...(n === 3
          ? ['-m', 'Assisted-by: Claude <noreply@anthropic.com>']
          : []),
      ],
      {
        cwd: work,
        env: {
          ...process.env,
          GIT_AUTHOR_DATE: `2026-11-0${n}T10:00:00+01:00`,
        },
      },
    );
    shas.push(git(work, 'rev-parse', 'HEAD'));
  }
  const base = {
    PATH: process.env.PATH,
    SERVICE: 'component:default/parcel-tracker',
    ENVIRONMENT: 'production',
    STATUS: 'success',
    STARTED_AT: '2026-11-05T10:00:00Z',
    FINISHED_AT: '2026-11-05T10:04:00Z',
    COMMIT_SHA: shas[3],
    DEPLOYMENT_ID: 'fernhill/parcel-tracker/123/1/production',
  };
  const run = env =>
    spawnSync('bash', [script], { cwd: work, env, encoding: 'utf8' });

  const cases = [
    {
      title: 'after a previous deployment',
      env: { ...base, PREVIOUS_SHA: shas[1] },
      commits: [shas[3], shas[2]],
    },
    {
      title: 'first deployment (no previous)',
      env: base,
      commits: [shas[3], shas[2], shas[1], shas[0]],
    },
    {
      title: 'previous image tag is not a commit',
      env: { ...base, PREVIOUS_SHA: '0.1.0' },
      commits: [shas[3], shas[2], shas[1], shas[0]],
    },
    {
      title: 'failed deployment',
      env: { ...base, STATUS: 'failure', PREVIOUS_SHA: shas[2] },
      commits: [shas[3]],
    },
  ];
  for (const c of cases) {
    const result = run(c.env);
    if (result.status !== 0)
      fail(`${c.title}: exit ${result.status}: ${result.stderr}`);
    const body = JSON.parse(result.stdout);
    const parsed = parseDoraEventBatch(body);
    if (!parsed.ok)
      fail(
        `${c.title}: the API would reject it: ${JSON.stringify(
          parsed.problems,
        )}`,
      );
    const [deployment, ...changes] = parsed.events;
    if (deployment.type !== 'deployment' || deployment.status !== c.env.STATUS)
      fail(`${c.title}: bad deployment event`);
    if (JSON.stringify(deployment.commits) !== JSON.stringify(c.commits)) {
      fail(
        `${c.title}: commits ${JSON.stringify(
          deployment.commits,
        )}, expected ${JSON.stringify(c.commits)}`,
      );
    }
    if (
      changes.length !== c.commits.length ||
      changes.some(ch => ch.type !== 'change' || !ch.authoredAt)
    ) {
      fail(
        `${c.title}: expected one change event with authoredAt per delivered commit`,
      );
    }
    const marked = changes.filter(ch => ch.aiAssisted).map(ch => ch.sha);
    const expected = c.commits.includes(shas[2]) ? [shas[2]] : [];
    if (JSON.stringify(marked) !== JSON.stringify(expected)) {
      fail(
        `${c.title}: AI-assisted changes ${JSON.stringify(
          marked,
        )}, expected ${JSON.stringify(expected)} (the Assisted-by: trailer)`,
      );
    }
    console.log(
      `  ok ${c.title}: 1 deployment + ${changes.length} change events accepted by parseDoraEventBatch`,
    );
  }
  const bad = run({ ...base, STATUS: 'maybe' });
  if (bad.status === 0) fail('accepted STATUS=maybe');
  const missing = run({ ...base, SERVICE: '' });
  if (missing.status === 0) fail('accepted a missing SERVICE');
  console.log('  ok rejects a bad STATUS and a missing SERVICE');
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
