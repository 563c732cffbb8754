import type express from 'express';
import Router from 'express-promise-router';
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  AuthenticationError,
  CustomErrorBase,
  InputError,
} from '@backstage/errors';
import { retryAfterOnUnavailable } from '@paved/database-errors';
import type {
  DoraEventSink,
  DoraEventSource,
  DoraIngestResult,
} from '@paved/plugin-dora-node';
import {
  DELIVERY_CLAIM_MS,
  type DeliveryLog,
} from './database/GithubSourceStore';
import { GITHUB_EVENT_SOURCE } from './eventIds';
import { MAPPED_GITHUB_EVENTS, mapGithubEvent } from './mapGithubEvent';

/**
 * The largest delivery body read by default. GitHub caps payloads at 25 MB,
 * but the events used here are far smaller (a push of 2,048 commits is
 * about 2 MB); anyone can send a body before the signature is checked.
 */
export const DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024;

/** 413: the body is larger than the webhook reads. */
export class PayloadTooLargeError extends CustomErrorBase {
  name = 'PayloadTooLargeError' as const;
  statusCode = 413;
}

/** 415: a body the webhook does not read (e.g. compressed). */
export class UnsupportedMediaTypeError extends CustomErrorBase {
  name = 'UnsupportedMediaTypeError' as const;
  statusCode = 415;
}

const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;

/**
 * GitHub's X-Hub-Signature-256 check: the HMAC-SHA256 of the raw body with
 * the secret, compared as bytes in constant time.
 */
export function isValidSignature(secret: string, body: Buffer, header: string) {
  const match = SIGNATURE.exec(header.trim());
  if (!match) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  return timingSafeEqual(Buffer.from(match[1], 'hex'), expected);
}

/**
 * Reads at most `limit` bytes of the request body. A declared length over
 * the limit is refused before anything is read; a body that grows past it
 * is refused as soon as it does, without reading the rest.
 */
function readBody(req: express.Request, limit: number): Promise<Buffer> {
  const tooLarge = () =>
    new PayloadTooLargeError(
      `The delivery body is larger than ${limit} bytes (dora.github.webhookMaxBodyBytes)`,
    );
  const declared = Number(req.header('content-length'));
  if (declared > limit) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const listeners = {
      data: (chunk: Buffer) => {
        size += chunk.length;
        if (size > limit) finish(tooLarge());
        else chunks.push(chunk);
      },
      end: () => finish(),
      error: (error: Error) => finish(error),
      close: () =>
        finish(
          new InputError('The delivery body ended before it was complete'),
        ),
    };
    function finish(error?: Error) {
      for (const [event, listener] of Object.entries(listeners)) {
        req.off(event, listener);
      }
      if (error) {
        req.pause();
        reject(error);
      } else {
        resolve(Buffer.concat(chunks, size));
      }
    }
    for (const [event, listener] of Object.entries(listeners)) {
      req.on(event, listener);
    }
  });
}

/**
 * Receives GitHub webhooks at `POST /api/dora/github/webhook`. The route is
 * open to unauthenticated callers only because every delivery must carry a
 * valid `X-Hub-Signature-256`. In order, a delivery is refused:
 * - without a well-formed signature header, before its body is read (401);
 * - with a `Content-Encoding` (415: compressed bodies are not inflated);
 * - with a body over the size limit, as soon as it passes it (413);
 * - with a signature that does not match the raw body (401);
 * - signed but not JSON, not an object, or lacking (or mistyping) a field
 *   its event needs (400, naming the fields).
 * Signed events DORA does not use are answered 202 "ignored". A delivery
 * whose `X-GitHub-Delivery` was already processed, or is being processed
 * by another replica, is answered 200 as a duplicate and not processed
 * again (it would map to the same event ids anyway): each delivery is
 * claimed in the database before it is read. Refusals before the body is read close the connection so an
 * unread body is never drained.
 *
 * The DORA plugin's OpenAPI document (`plugins/dora-backend/src/schema/openapi.yaml`)
 * documents this route, but its validating router leaves it alone: this
 * router is mounted before it and reads the raw body itself, because the
 * signature is over the bytes as sent.
 */
export class GithubWebhookSource implements DoraEventSource {
  readonly id = 'github-webhook';
  readonly #secret: string;
  readonly #incidentLabels: string[];
  readonly #maxBodyBytes: number;
  readonly #logger: LoggerService;
  readonly #deliveries: DeliveryLog;
  #sink?: DoraEventSink;

  static create(options: {
    secret: string;
    incidentLabels: string[];
    /** Default {@link DEFAULT_MAX_BODY_BYTES}. */
    maxBodyBytes?: number;
    logger: LoggerService;
    deliveries: DeliveryLog;
  }) {
    return new GithubWebhookSource(options);
  }

  private constructor(
    options: Parameters<typeof GithubWebhookSource.create>[0],
  ) {
    this.#secret = options.secret;
    this.#incidentLabels = options.incidentLabels;
    this.#maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.#logger = options.logger;
    this.#deliveries = options.deliveries;
  }

  async connect(sink: DoraEventSink) {
    this.#sink = sink;
  }

  router(): express.Router {
    const router = Router();
    router.post('/github/webhook', async (req, res) => {
      // Until the signature is checked the body is untrusted: refuse what
      // can be refused from the headers alone, and then do not keep the
      // connection (Node would otherwise read the unread body to its end).
      const refuse = (error: Error) => {
        res.setHeader('connection', 'close');
        return error;
      };
      const signature = req.header('x-hub-signature-256');
      if (!signature) {
        throw refuse(new AuthenticationError('Missing X-Hub-Signature-256'));
      }
      if (!SIGNATURE.test(signature.trim())) {
        throw refuse(
          new AuthenticationError(
            'X-Hub-Signature-256 must be sha256=<64 hex digits>',
          ),
        );
      }
      const encoding = req.header('content-encoding')?.trim().toLowerCase();
      if (encoding && encoding !== 'identity') {
        throw refuse(
          new UnsupportedMediaTypeError(
            `Content-Encoding ${encoding} is not accepted: deliveries are read uncompressed`,
          ),
        );
      }
      let raw: Buffer;
      try {
        raw = await readBody(req, this.#maxBodyBytes);
      } catch (error) {
        throw refuse(error as Error);
      }
      if (!isValidSignature(this.#secret, raw, signature)) {
        throw new AuthenticationError('X-Hub-Signature-256 does not match');
      }

      const eventName = req.header('x-github-event') ?? '';
      if (!eventName) throw new InputError('Missing X-GitHub-Event');
      if (eventName === 'ping') {
        res.json({ ok: true });
        return;
      }
      if (!MAPPED_GITHUB_EVENTS.has(eventName)) {
        res.status(202).json({ accepted: 0, unchanged: 0, ignored: eventName });
        return;
      }
      // A GUID from GitHub; the column holds 100 characters.
      const delivery = req.header('x-github-delivery')?.slice(0, 100);
      // Claimed before it is read, so the same delivery at two replicas is
      // processed by one of them; the other answers it as a duplicate.
      const claimedAt = new Date();
      if (
        delivery &&
        !(await this.#deliveries.claimDelivery(delivery, claimedAt))
      ) {
        res.status(200).json({ duplicate: true, delivery });
        return;
      }
      let result: DoraIngestResult | undefined;
      try {
        result = await this.#process(eventName, raw, delivery);
      } catch (error) {
        if (delivery) await this.#release(delivery, claimedAt);
        throw error;
      }
      if (!result) {
        // Nothing stored: not recorded, so a redelivery is read again.
        if (delivery) await this.#release(delivery, claimedAt);
        res.status(202).json({ accepted: 0, unchanged: 0, ignored: eventName });
        return;
      }
      if (delivery) await this.#deliveries.completeDelivery(delivery);
      res.status(202).json(result);
    });
    // Backstage's error handler answers a 503 (the database out of reach)
    // without a retry hint; this adds `Retry-After` and passes it on.
    router.use(retryAfterOnUnavailable());
    return router;
  }

  /**
   * Gives up a delivery's claim, so that a redelivery is processed. If
   * that fails too (the database is away), the claim lapses on its own
   * (see `DELIVERY_CLAIM_MS`); the client hears of the first error.
   */
  async #release(delivery: string, claimedAt: Date) {
    try {
      await this.#deliveries.releaseDelivery(delivery, claimedAt);
    } catch (error) {
      this.#logger.warn(
        `GitHub delivery ${delivery} could not be released for redelivery; its claim lapses in ${
          DELIVERY_CLAIM_MS / 60_000
        } minutes: ${error}`,
      );
    }
  }

  /**
   * Stores the events of a signed delivery; undefined when it maps to no
   * events.
   */
  async #process(
    eventName: string,
    raw: Buffer,
    delivery: string | undefined,
  ): Promise<DoraIngestResult | undefined> {
    let payload: unknown;
    try {
      payload = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new InputError(
        'The delivery body is not JSON (the webhook content type must be application/json)',
      );
    }
    const events = mapGithubEvent(eventName, payload, {
      incidentLabels: this.#incidentLabels,
    });
    if (events.length === 0) return undefined;
    if (!this.#sink) throw new Error('DORA plugin has not started yet');
    const result = await this.#sink.ingest(GITHUB_EVENT_SOURCE, events);
    this.#logger.info(
      `GitHub delivery ${delivery ?? '(no id)'} (${eventName}): ${
        result.accepted
      } accepted, ${result.unchanged} unchanged`,
    );
    return result;
  }
}
