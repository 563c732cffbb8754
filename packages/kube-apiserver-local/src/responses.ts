import { ServerResponse } from 'node:http';
import { ResourceType } from './resources';

/** A meta/v1 Status: the body of every error the API server answers. */
export function kubeStatus(
  code: number,
  reason: string,
  message: string,
  details?: Record<string, unknown>,
) {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
}

export type KubeStatus = ReturnType<typeof kubeStatus>;

export function sendJson(res: ServerResponse, code: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(code, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache, private',
  });
  res.end(text);
}

export function sendStatus(res: ServerResponse, status: KubeStatus) {
  sendJson(res, status.code, status);
}

/** 404 for a path the server does not serve. */
export function pathNotFound(): KubeStatus {
  return kubeStatus(
    404,
    'NotFound',
    'the server could not find the requested resource',
  );
}

/** 404 for a named object that does not exist. */
export function objectNotFound(type: ResourceType, name: string): KubeStatus {
  return kubeStatus(
    404,
    'NotFound',
    `${type.plural}${type.group ? `.${type.group}` : ''} "${name}" not found`,
    { name, group: type.group || undefined, kind: type.plural },
  );
}
