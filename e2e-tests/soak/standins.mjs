// @ts-check
/*
 * The upstreams of a soak run: the OpenCost, Kubernetes (two clusters) and
 * GitHub stand-ins of packages/*-local, each a child process in its own
 * process group on a free port, each with the run's admin token so that the
 * soak can switch their faults from outside (PUT/DELETE /__stand-in/fault;
 * see each package's README). startStandIns() returns the configuration
 * layer that points the replicas at them.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { repoRoot, stopGroup } from './replicas.mjs';

/** @typedef {'opencost' | 'kubernetes' | 'github'} StandIn */
/**
 * A fault as each stand-in's switch takes it:
 * opencost `{kind:'error',status?}` | `{kind:'timeout'}`;
 * kubernetes `{kind:'error',status?}` | `{kind:'drop-watches'}` (once, ends
 * every open watch now); github `{kind:'error',status?}` |
 * `{kind:'rate-limit',resetInSeconds?}` (ends at its reset) |
 * `{kind:'secondary-rate-limit',status?,retryAfterSeconds?}`.
 * @typedef {{ kind: string, [option: string]: unknown }} Fault
 */

/** The Kubernetes stand-in's API token (LOCAL_TOKENS in its cli.ts). */
const KUBE_TOKEN = 'paved-local-admin';
const FAULT_PATH = '/__stand-in/fault';

/**
 * Starts one stand-in CLI and resolves once it has printed every line
 * `ready` waits for (its URLs are printed after it listens).
 * @param {string} pkg the folder under packages/
 * @param {string[]} args
 * @param {(lines: string[]) => boolean} ready
 * @param {number} timeoutMs
 */
async function startCli(pkg, args, ready, timeoutMs) {
  const child = spawn(
    process.execPath,
    [
      '--require',
      '@backstage/cli/config/nodeTransform.cjs',
      'src/cli.ts',
      ...args,
    ],
    {
      cwd: path.join(repoRoot, 'packages', pkg),
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: stop() ends exactly what was started here.
      detached: true,
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', d => (stdout += d));
  child.stderr
    ?.setEncoding('utf8')
    .on('data', d => (stderr = (stderr + d).slice(-4000)));
  const lines = () => stdout.split('\n').filter(Boolean);
  const deadline = Date.now() + timeoutMs;
  while (!ready(lines())) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stopGroup(child, 2000);
      throw new Error(
        `the ${pkg} stand-in did not start (exit ${child.exitCode}): ${stderr}`,
      );
    }
    await new Promise(r => setTimeout(r, 100));
  }
  return { child, lines: lines() };
}

/**
 * The value printed after `prefix` on one of `lines`.
 * @param {string[]} lines
 * @param {string} prefix
 */
function printed(lines, prefix) {
  const line = lines.find(l => l.startsWith(prefix));
  if (!line) throw new Error(`no line '${prefix}...' in ${lines.join(' / ')}`);
  return line.slice(prefix.length).trim();
}

/**
 * Starts the three stand-ins.
 *
 * `configLayer` (an app-config layer, to load after app-config.production.yaml):
 * - `kubernetes.clusterLocatorMethods`: both scenario clusters (eu-west-prod,
 *   eu-west-nonprod) at the Kubernetes stand-in over HTTPS (self-signed:
 *   `skipTLSVerify`) with its service account token;
 * - `cost.opencost`: both clusters at the OpenCost stand-in with its bearer
 *   token, pulled every minute (the default is hourly), 7 days back;
 * - `integrations.github`: github.com with `apiBaseUrl` at the GitHub
 *   stand-in and its token; `dora.github.poll` on, every minute, for
 *   `production`. The stand-in's repository is fernhill/paved, which the
 *   production catalog's own component (catalog-info.yaml,
 *   `github.com/project-slug: fernhill/paved`) names, within the poller's
 *   organisation (GITHUB_ORG=fernhill): its 4 deployments and 5 changes
 *   arrive as DORA events of source `github` for component:default/paved.
 *
 * @param {{ timeoutMs?: number }} [options]
 */
export async function startStandIns(options = {}) {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const secret = () => randomBytes(16).toString('hex');
  const adminToken = secret();
  const openCostToken = secret();
  const githubToken = secret();

  const started = await Promise.allSettled([
    startCli(
      'opencost-local',
      ['--port', '0', '--token', openCostToken, '--admin-token', adminToken],
      lines => lines.some(l => l.startsWith('fault switch:')),
      timeoutMs,
    ),
    startCli(
      'kube-apiserver-local',
      ['--port', '0', '--admin-token', adminToken],
      lines => lines.some(l => l.startsWith('tokens:')),
      timeoutMs,
    ),
    startCli(
      'github-local',
      ['--port', '0', '--token', githubToken, '--admin-token', adminToken],
      lines => lines.some(l => l.startsWith('fault switch:')),
      timeoutMs,
    ),
  ]);
  const children = started.flatMap(s =>
    s.status === 'fulfilled' ? [s.value.child] : [],
  );
  const stop = async () => {
    await Promise.all(children.map(child => stopGroup(child, 5000)));
  };
  const failed = started.find(s => s.status === 'rejected');
  if (failed?.status === 'rejected') {
    await stop();
    throw failed.reason;
  }
  const [openCost, kube, github] = started.map(s =>
    s.status === 'fulfilled' ? s.value.lines : [],
  );

  const openCostUrl = printed(openCost, 'opencost (all clusters):');
  /** @type {Record<string, string>} */
  const kubeClusters = Object.fromEntries(
    kube
      .filter(l => l.startsWith('cluster '))
      .map(l => {
        const [, name, url] = /^cluster (\S+): (\S+)$/.exec(l) ?? [];
        return [name, url];
      }),
  );
  const githubUrl = printed(github, 'github api:');
  const clusterNames = Object.keys(kubeClusters);

  /** @type {Record<StandIn, string[]>} every fault switch of each stand-in */
  const switches = {
    opencost: [`${openCostUrl}${FAULT_PATH}`],
    kubernetes: Object.values(kubeClusters).map(url => `${url}${FAULT_PATH}`),
    github: [`${githubUrl}${FAULT_PATH}`],
  };

  const configLayer = {
    kubernetes: {
      clusterLocatorMethods: [
        {
          type: 'config',
          clusters: clusterNames.map(name => ({
            name,
            url: kubeClusters[name],
            authProvider: 'serviceAccount',
            serviceAccountToken: KUBE_TOKEN,
            skipTLSVerify: true,
            skipMetricsLookup: true,
          })),
        },
      ],
    },
    cost: {
      opencost: {
        clusters: clusterNames.map(name => ({
          name,
          baseUrl: `${openCostUrl}/${name}`,
          token: openCostToken,
        })),
        backfillDays: 7,
        schedule: {
          frequency: { minutes: 1 },
          timeout: { minutes: 5 },
          initialDelay: { seconds: 10 },
        },
      },
    },
    integrations: {
      github: [
        { host: 'github.com', apiBaseUrl: githubUrl, token: githubToken },
      ],
    },
    dora: {
      github: {
        poll: {
          enabled: true,
          frequency: 1,
          environments: ['production'],
          lookbackDays: 30,
        },
      },
    },
  };

  /**
   * Sets a fault on every switch of a stand-in (both Kubernetes clusters),
   * or clears it with `undefined`.
   * @param {StandIn} standIn
   * @param {Fault | undefined} fault
   */
  async function setFault(standIn, fault) {
    await Promise.all(
      switches[standIn].map(async url => {
        const { status, body } = await switchRequest(url, fault, adminToken);
        if (status !== 200) {
          throw new Error(
            `${standIn} fault switch ${url} answered ${status}: ${body}`,
          );
        }
      }),
    );
  }

  return {
    configLayer,
    setFault,
    stop,
    /** The stand-ins' process ids (each leads its own process group). */
    pids: children.map(child => child.pid),
    /** Where each stand-in answers, for logs and probes. */
    urls: {
      opencost: openCostUrl,
      kubernetes: kubeClusters,
      github: githubUrl,
    },
    tokens: {
      kubernetes: KUBE_TOKEN,
      opencost: openCostToken,
      github: githubToken,
    },
  };
}

/**
 * PUT (or, without a fault, DELETE) on one fault switch. Over node:http(s)
 * rather than fetch: the Kubernetes stand-in's certificate is self-signed,
 * and fetch cannot skip verification for one request.
 * @param {string} url
 * @param {Fault | undefined} fault
 * @param {string} adminToken
 * @returns {Promise<{ status: number, body: string }>}
 */
function switchRequest(url, fault, adminToken) {
  const request = url.startsWith('https:') ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: fault ? 'PUT' : 'DELETE',
        headers: {
          authorization: `Bearer ${adminToken}`,
          'content-type': 'application/json',
        },
        rejectUnauthorized: false,
        timeout: 10_000,
      },
      res => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', d => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error(`${url} timed out`)));
    req.end(fault ? JSON.stringify(fault) : undefined);
  });
}
