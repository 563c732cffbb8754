import {
  IncomingMessage,
  Server,
  ServerResponse,
  createServer,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleFaultRequest } from './admin';
import { type GithubAnswer, LocalGithubApi } from './answers';
import type { GithubFault } from './faults';
import type { LocalRepository } from './model';

export interface StartOptions {
  /** The token clients must send (`Authorization: token|bearer <token>`). */
  token: string;
  /** 0 or absent: a random free port. */
  port?: number;
  host?: string;
  repositories?: LocalRepository[];
  /**
   * Turns on the fault switch at `PUT|DELETE|GET /__stand-in/fault`, which
   * then needs `Authorization: Bearer <adminToken>` and answers only on
   * loopback. Without it the path does not exist.
   */
  adminToken?: string;
  /** The clock of rate limit resets; tests pin it. */
  now?: () => Date;
}

export interface RunningGithub {
  /** The API base URL: `integrations.github[].apiBaseUrl`. */
  url: string;
  /** The repositories and the requests served, changeable while running. */
  api: LocalGithubApi;
  /** Sets (or with `undefined` clears) the fault every request meets. */
  setFault(fault: GithubFault | undefined): void;
  /** The fault in force, if any. */
  readonly fault: GithubFault | undefined;
  stop(): Promise<void>;
}

function send(res: ServerResponse, answer: GithubAnswer) {
  const text = JSON.stringify(answer.body);
  res.writeHead(answer.status, {
    ...answer.headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}

/**
 * A local stand-in for the GitHub REST API a running backend can use as
 * `integrations.github[].apiBaseUrl`: the endpoints the DORA poller reads,
 * over `node:http`, from {@link LocalGithubApi}.
 */
export class LocalGithub {
  static async start(options: StartOptions): Promise<RunningGithub> {
    const api = new LocalGithubApi({ token: options.token, now: options.now });
    for (const repository of options.repositories ?? []) api.add(repository);
    const receive = async (req: IncomingMessage, res: ServerResponse) => {
      if (
        options.adminToken &&
        (await handleFaultRequest(req, res, {
          adminToken: options.adminToken,
          current: () => api.fault,
          set: fault => api.setFault(fault),
        }))
      ) {
        return;
      }
      // The URL as the client sent it: links in answers point back here.
      const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
      send(
        res,
        api.answer({
          method: req.method ?? 'GET',
          url,
          authorization: req.headers.authorization,
        }),
      );
    };
    const server: Server = createServer((req, res) => {
      receive(req, res).catch(e => {
        if (!res.headersSent) {
          send(res, {
            status: 500,
            headers: {},
            body: { message: `stand-in error: ${e}` },
          });
        } else res.destroy();
      });
    });
    const host = options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, resolve);
    });
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://${host}:${port}`,
      api,
      setFault: fault => api.setFault(fault),
      get fault() {
        return api.fault;
      },
      stop: () =>
        new Promise<void>(resolve => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    };
  }
}
