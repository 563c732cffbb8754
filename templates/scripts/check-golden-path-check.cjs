/**
 * Runs a rendered repository's scripts/golden-path-check.sh — the
 * pull-request step — in a scratch git repository against a stand-in of
 * Paved's POST /api/assistant/validate that applies the real guardrails
 * (plugins/golden-path-node, the code behind the route), so the CI step
 * cannot drift from the portal's check:
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs \
 *     templates/scripts/check-golden-path-check.cjs <rendered-dir>
 *
 * A pull request that removes a container's limits and writes a token into
 * a file fails with both findings as annotations on their lines and the
 * token never printed; a pull request that only edits the README passes; a
 * wrong token stops the step with exit 2.
 */
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const {
  runChangeGuardrails,
} = require('../../plugins/golden-path-node/src/guardrails/index.ts');

const TOKEN = 'check-token';

function fail(message) {
  console.error(`check-golden-path-check: FAIL ${message}`);
  process.exit(1);
}

const rendered = path.resolve(
  process.argv[2] ?? fail('usage: check-golden-path-check.cjs <rendered-dir>'),
);

const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', chunk => {
    body += chunk;
  });
  req.on('end', async () => {
    const answer = (status, json) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(json));
    };
    if (req.url !== '/api/assistant/validate' || req.method !== 'POST') {
      answer(404, { error: { message: 'not found' } });
    } else if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      answer(401, { error: { name: 'AuthenticationError' } });
    } else {
      const { files } = JSON.parse(body);
      const findings = await runChangeGuardrails(files, {
        entityExists: async () => true,
      });
      answer(200, {
        passed: findings.length === 0,
        findings,
        checked: files.map(f => f.path),
        addedLinesOnly: [],
      });
    }
  });
});

const git = (cwd, ...args) =>
  execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();

server.listen(0, '127.0.0.1', async () => {
  const url = `http://127.0.0.1:${server.address().port}`;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'golden-path-check-'));
  try {
    fs.cpSync(rendered, work, { recursive: true });
    const commitAll = message => {
      git(work, 'add', '-A');
      git(
        work,
        '-c',
        'user.name=ci',
        '-c',
        'user.email=ci@example.com',
        'commit',
        '-qm',
        message,
      );
    };
    git(work, 'init', '-q', '-b', 'main');
    commitAll('base');
    // Asynchronously: the stand-in answers on this process's event loop.
    const run = (token = TOKEN) =>
      new Promise(resolve => {
        const child = spawn('bash', ['scripts/golden-path-check.sh'], {
          cwd: work,
          env: {
            ...process.env,
            PAVED_URL: url,
            PAVED_TOKEN: token,
            BASE_REF: 'main',
          },
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', d => {
          stdout += d;
        });
        child.stderr.on('data', d => {
          stderr += d;
        });
        child.on('close', status => resolve({ status, stdout, stderr }));
      });
    const commit = (branch, change) => {
      git(work, 'checkout', '-q', '-B', branch, 'main');
      change();
      commitAll(branch);
    };

    // A pull request that removes the limits and leaks a token.
    const secret = ['ghp', 'y'.repeat(36)].join('_');
    commit('risky', () => {
      const manifest = path.join(work, 'k8s/base/deployment.yaml');
      const text = fs.readFileSync(manifest, 'utf8');
      const withoutLimits = text.replace(/\n( +)limits:\n(\1 +.*\n)+/, '\n');
      if (withoutLimits === text)
        fail('the deployment has no limits to remove');
      fs.writeFileSync(manifest, withoutLimits);
      fs.writeFileSync(path.join(work, 'notes.txt'), `token: ${secret}\n`);
    });
    const risky = await run();
    if (risky.status !== 1) {
      fail(
        `a risky change exited ${risky.status}, not 1:\n${risky.stdout}${risky.stderr}`,
      );
    }
    if (
      !/::error file=k8s\/base\/deployment\.yaml,line=\d+,title=golden path \(kubernetes\)::.*limits/.test(
        risky.stdout,
      )
    ) {
      fail(`no annotation for the missing limits:\n${risky.stdout}`);
    }
    if (
      !/::error file=notes\.txt,line=1,title=golden path \(secrets\)::/.test(
        risky.stdout,
      )
    ) {
      fail(`no annotation for the leaked token:\n${risky.stdout}`);
    }
    if ((risky.stdout + risky.stderr).includes(secret))
      fail('the token was printed');

    // A pull request that edits the README only.
    commit('docs', () => {
      fs.appendFileSync(path.join(work, 'README.md'), '\nMore words.\n');
    });
    const clean = await run();
    if (clean.status !== 0) {
      fail(
        `a clean change exited ${clean.status}:\n${clean.stdout}${clean.stderr}`,
      );
    }

    // The portal refuses the token: the step says so and stops.
    const refused = await run('wrong');
    if (refused.status !== 2 || !/answered 401/.test(refused.stderr)) {
      fail(`a refused token exited ${refused.status}:\n${refused.stderr}`);
    }
    console.log(
      'check-golden-path-check: ok (a risky change fails with both findings, a clean one passes, a refused token stops)',
    );
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
    server.close();
  }
});
