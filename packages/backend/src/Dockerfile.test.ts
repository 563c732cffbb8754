import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * The backend image cannot be built on these machines (no Docker engine), so
 * its security properties are checked on the Dockerfile itself.
 */

interface Instruction {
  keyword: string;
  args: string;
}

/** Instructions of a Dockerfile: comments dropped, continuations joined. */
function parseDockerfile(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    // Comment lines are removed before continuations are joined.
    if (line.startsWith('#') || (!line && !pending)) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    const full = (pending + line).trim();
    pending = '';
    if (!full) continue;
    const [keyword, ...rest] = full.split(/\s+/);
    instructions.push({
      keyword: keyword.toUpperCase(),
      args: rest.join(' '),
    });
  }
  return instructions;
}

/** Expands `${NAME}` and `$NAME` with the defaults of `ARG` instructions. */
function expandArgs(instructions: Instruction[], text: string): string {
  const defaults = new Map<string, string>();
  for (const { keyword, args } of instructions) {
    const match = keyword === 'ARG' && /^(\w+)=(\S+)$/.exec(args);
    if (match) defaults.set(match[1], match[2].replace(/^"(.*)"$/, '$1'));
  }
  return text.replace(
    /\$\{(\w+)\}|\$(\w+)/g,
    (whole, a, b) => defaults.get(a ?? b) ?? whole,
  );
}

function checkImage(dockerfile: string) {
  const all = parseDockerfile(dockerfile);
  const finalFrom = all.map(i => i.keyword).lastIndexOf('FROM');
  const finalStage = all.slice(finalFrom);
  const indexes = (keyword: string) =>
    finalStage.flatMap((i, n) => (i.keyword === keyword ? [n] : []));
  return { all, finalStage, indexes };
}

const dockerfile = readFileSync(resolve(__dirname, '../Dockerfile'), 'utf8');
const dockerignore = readFileSync(
  resolve(__dirname, '../../../.dockerignore'),
  'utf8',
);

describe('the backend image (packages/backend/Dockerfile)', () => {
  const { all, finalStage, indexes } = checkImage(dockerfile);

  it('pins every base image by digest, on Node.js 24', () => {
    const froms = all.filter(i => i.keyword === 'FROM').map(i => i.args);
    expect(froms.length).toBeGreaterThan(0);
    for (const from of froms) {
      expect(from).toMatch(/^\S+:\S+@sha256:[0-9a-f]{64}(\s|$)/);
    }
    expect(froms[froms.length - 1]).toMatch(/^node:24-/);
  });

  it('runs as the non-root node user, set after every file is in place', () => {
    const users = indexes('USER');
    expect(users.length).toBeGreaterThan(0);
    const lastUser = users[users.length - 1];
    expect(finalStage[lastUser].args).toBe('node');
    const afterUser = finalStage
      .slice(lastUser + 1)
      .filter(i => ['COPY', 'ADD', 'RUN'].includes(i.keyword));
    expect(afterUser).toEqual([]);
    // No earlier USER switch: installs and extraction run as root, so every
    // file of the application belongs to root.
    expect(users).toEqual([lastUser]);
  });

  it('keeps the application files owned by root and not writable by the process', () => {
    for (const n of [...indexes('COPY'), ...indexes('ADD')]) {
      expect(finalStage[n].args).not.toMatch(/--chown|--chmod/);
    }
    const extractions = finalStage.filter(
      i => i.keyword === 'RUN' && /\btar\b/.test(i.args),
    );
    expect(extractions.length).toBeGreaterThanOrEqual(2);
    for (const { args } of extractions) {
      // Archives packed elsewhere would otherwise keep their owner (uid 1000
      // is `node`) and their modes when extracted as root.
      expect(args).toContain('--no-same-owner');
      expect(args).toContain('--no-same-permissions');
    }
  });

  it('installs a pinned git with apt, without recommended packages or apt lists', () => {
    const installs = finalStage
      .filter(i => i.keyword === 'RUN' && /apt-get install/.test(i.args))
      .map(i => expandArgs(all, i.args));
    const gitInstall = installs.find(args => /["\s]git=/.test(args));
    expect(gitInstall).toBeDefined();
    expect(gitInstall).toMatch(/["\s]git=\d+:[0-9][\w.+~-]*["\s]/);
    expect(gitInstall).toContain('--no-install-recommends');
    expect(gitInstall).toContain('apt-get update');
    expect(gitInstall).toContain('rm -rf /var/lib/apt/lists/*');
  });

  it('starts the backend with the production configuration', () => {
    const cmd = finalStage.filter(i => i.keyword === 'CMD').pop();
    expect(JSON.parse(cmd!.args)).toEqual([
      'node',
      'packages/backend',
      '--config',
      'app-config.yaml',
      '--config',
      'app-config.production.yaml',
    ]);
  });

  it('keeps the git history, local configuration and secrets out of the build context', () => {
    const patterns = dockerignore
      .split('\n')
      .map(l => l.trim())
      .filter(l => l && !l.startsWith('#'));
    expect(patterns).toEqual(
      expect.arrayContaining([
        '.git',
        'node_modules',
        '*.local.yaml',
        '.env',
        '.env.*',
        '.tools',
      ]),
    );
  });
});

describe('the Dockerfile checks', () => {
  it('fail for an image that runs as root from a tag, with files owned by the runtime user', () => {
    const { all, finalStage, indexes } = checkImage(
      [
        'FROM node:24-trixie-slim',
        'USER node',
        'COPY --chown=node:node . .',
        'RUN tar xzf bundle.tar.gz \\',
        '    && rm bundle.tar.gz',
      ].join('\n'),
    );
    expect(all[0].args).not.toMatch(/@sha256:/);
    const lastUser = indexes('USER').pop()!;
    expect(indexes('COPY').every(n => n < lastUser)).toBe(false);
    expect(finalStage[indexes('COPY')[0]].args).toMatch(/--chown/);
    expect(finalStage[indexes('RUN')[0]].args).toBe(
      'tar xzf bundle.tar.gz && rm bundle.tar.gz',
    );
  });
});
