import { Transform, type TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type {
  AuditorService,
  BackstageCredentials,
  HttpAuthService,
  HttpRouterService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import {
  costImportPermission,
  type FocusImportResult,
} from '@paved/plugin-cost-common';
import { isValidImportName, type FocusSource } from './FocusSource';

type Handler = Parameters<HttpRouterService['use']>[0];
type Request = Parameters<Handler>[0];
type Response = Parameters<Handler>[1];

/**
 * The path of the upload route, under the cost plugin's /api/cost. The cost
 * plugin's OpenAPI document (plugins/cost-backend/src/schema/openapi.yaml,
 * operation ImportFocusFile) describes it; this module serves it because it
 * streams a text/csv body, which the cost plugin's JSON router does not
 * read.
 */
export const FOCUS_UPLOAD_PATH = '/focus/imports';

/** The audit event of an upload, allowed or refused. */
export const FOCUS_IMPORT_AUDIT_EVENT = 'cost-focus-import';

/** An error the framework answers with its statusCode (413, 415). */
class HttpStatusError extends Error {
  constructor(readonly statusCode: number, name: string, message: string) {
    super(message);
    this.name = name;
  }
}

const tooLarge = (maxBytes: number) =>
  new HttpStatusError(
    413,
    'PayloadTooLargeError',
    `The FOCUS file is larger than the limit of ${maxBytes} bytes (cost.focus.maxUploadBytes)`,
  );

/** Passes the body on and fails it once it is larger than the limit. */
class ByteLimit extends Transform {
  #seen = 0;
  constructor(readonly maxBytes: number) {
    super();
  }
  _transform(
    chunk: Buffer,
    _encoding: BufferEncoding,
    done: TransformCallback,
  ) {
    this.#seen += chunk.length;
    if (this.#seen > this.maxBytes) {
      done(tooLarge(this.maxBytes));
      return;
    }
    done(null, chunk);
  }
}

/**
 * `POST /api/cost/focus/imports?name=<import>` with a `text/csv` body: the
 * FOCUS file is streamed into the parser as it arrives (never buffered)
 * and replaces what import `<name>` stored for the days it covers. Needs
 * user or service credentials allowed `cost.import`. Answers 201 with what
 * was stored, or 400 naming the bad row and column with nothing stored.
 * Every upload by a signed-in caller is audited, stored or refused.
 */
export function focusUploadHandler(options: {
  source: FocusSource;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  maxBytes: number;
}): Handler {
  const { source, httpAuth, permissions, auditor, maxBytes } = options;

  /** Checks the upload and stores the file; throws what the caller is answered. */
  const receive = async (
    req: Request,
    res: Response,
    credentials: BackstageCredentials,
  ): Promise<FocusImportResult> => {
    const [decision] = await permissions.authorize(
      [{ permission: costImportPermission }],
      { credentials },
    );
    // AuthorizeResult is a string enum of @backstage/plugin-permission-common,
    // which this package does not depend on.
    if (String(decision.result) !== 'ALLOW') {
      throw new NotAllowedError('You may not import cost files');
    }
    const mediaType = (req.headers['content-type'] ?? '')
      .split(';')[0]
      .trim()
      .toLowerCase();
    if (mediaType !== 'text/csv') {
      throw new HttpStatusError(
        415,
        'UnsupportedMediaTypeError',
        `A FOCUS file is uploaded as text/csv, not ${
          mediaType || 'a body without Content-Type'
        }`,
      );
    }
    const name = req.query.name;
    if (typeof name !== 'string' || !isValidImportName(name)) {
      throw new InputError(
        'The query parameter name must be the import name: lower-case letters, digits and dashes (at most 63 characters)',
      );
    }
    if (Number(req.headers['content-length'] ?? 0) > maxBytes) {
      throw tooLarge(maxBytes);
    }

    const encoding = (req.headers['content-encoding'] ?? 'identity')
      .trim()
      .toLowerCase();
    if (encoding !== 'identity' && encoding !== 'gzip') {
      throw new HttpStatusError(
        415,
        'UnsupportedMediaTypeError',
        `Content-Encoding ${encoding} is not supported; send the file as is or gzipped`,
      );
    }

    // The limit counts the CSV itself, so a small gzip cannot unpack into
    // an endless file.
    const body = new ByteLimit(maxBytes);
    // pipe, not pipeline: when the parser stops at a bad row the request
    // must stay open for the 400; Node discards the rest of the body.
    if (encoding === 'gzip') {
      const gunzip = createGunzip();
      gunzip.on('error', () =>
        body.destroy(new InputError('The body is not valid gzip')),
      );
      req.pipe(gunzip).pipe(body);
    } else {
      req.pipe(body);
    }
    req.on('close', () => {
      if (!req.complete) body.destroy(new InputError('The upload was cut off'));
    });
    const fileName =
      typeof req.query.fileName === 'string' && req.query.fileName
        ? req.query.fileName.slice(0, 200)
        : `upload to ${name}`;
    try {
      return await source.importFile({ name, fileName, input: body });
    } catch (error) {
      // Stopped at a bad row with the body still coming: answer, then close
      // the connection rather than read the rest of a large file.
      if (!req.complete) res.setHeader('Connection', 'close');
      throw error;
    }
  };

  const upload = async (req: Request, res: Response) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const auditorEvent = await auditor.createEvent({
      eventId: FOCUS_IMPORT_AUDIT_EVENT,
      request: req,
      severityLevel: 'medium',
      meta: {
        importName: typeof req.query.name === 'string' ? req.query.name : null,
      },
    });
    try {
      const result = await receive(req, res, credentials);
      await auditorEvent.success({
        meta: {
          source: result.source,
          stored: result.stored,
          days: result.days,
          from: result.from,
          to: result.to,
        },
      });
      res.status(201).json(result);
    } catch (error) {
      await auditorEvent.fail({ error: error as Error });
      throw error;
    }
  };

  return (req, res, next) => {
    if (req.path !== FOCUS_UPLOAD_PATH) {
      next();
      return;
    }
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      next(
        new HttpStatusError(
          405,
          'MethodNotAllowedError',
          'Use POST to upload a FOCUS file',
        ),
      );
      return;
    }
    upload(req, res).catch(next);
  };
}
