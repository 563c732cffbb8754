import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type GithubFault, parseFault } from './faults';

/** The path of the fault switch; only with an admin token, only on loopback. */
export const FAULT_PATH = '/__stand-in/fault';

const MAX_BODY_BYTES = 4096;

/** Whether a socket's remote address is this machine. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4.startsWith('127.') || address === '::1';
}

function sameToken(given: string, expected: string) {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function sendJson(res: ServerResponse, status: number, body: object) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(`${JSON.stringify(body)}\n`);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > MAX_BODY_BYTES) {
        reject(new Error('body too large'));
        req.destroy();
      }
    });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

/**
 * The fault switch's HTTP side: `GET` shows the fault, `PUT` (JSON body)
 * sets it, `DELETE` clears it. Requests from another machine are not
 * answered here (they fall through to the API, which does not know the
 * path); a missing or wrong `Authorization: Bearer <admin token>` is 401.
 * Returns whether the request was the switch's.
 */
export async function handleFaultRequest(
  req: IncomingMessage,
  res: ServerResponse,
  switchboard: {
    adminToken: string;
    current(): GithubFault | undefined;
    set(fault: GithubFault | undefined): void;
  },
): Promise<boolean> {
  const path = (req.url ?? '/').split('?')[0];
  if (path !== FAULT_PATH || !isLoopback(req.socket.remoteAddress)) {
    return false;
  }
  const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  if (!bearer || !sameToken(bearer[1].trim(), switchboard.adminToken)) {
    sendJson(res, 401, { message: 'the stand-in admin token is required' });
    return true;
  }
  if (req.method === 'GET') {
    sendJson(res, 200, { fault: switchboard.current() ?? null });
  } else if (req.method === 'DELETE') {
    switchboard.set(undefined);
    sendJson(res, 200, { fault: null });
  } else if (req.method === 'PUT') {
    let fault: GithubFault;
    try {
      fault = parseFault(JSON.parse(await readBody(req)));
    } catch (e) {
      sendJson(res, 400, { message: (e as Error).message });
      return true;
    }
    switchboard.set(fault);
    sendJson(res, 200, { fault });
  } else {
    res.setHeader('allow', 'GET, PUT, DELETE');
    sendJson(res, 405, { message: 'use GET, PUT or DELETE' });
  }
  return true;
}
