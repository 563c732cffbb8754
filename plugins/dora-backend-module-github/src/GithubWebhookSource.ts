import express from 'express';
import Router from 'express-promise-router';
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { AuthenticationError, InputError } from '@backstage/errors';
import type { DoraEventSink, DoraEventSource } from '@paved/plugin-dora-node';
import type { DeliveryLog } from './database/GithubSourceStore';
import { GITHUB_EVENT_SOURCE } from './eventIds';
import { mapGithubEvent } from './mapGithubEvent';

/** GitHub's X-Hub-Signature-256 check: HMAC-SHA256, constant-time compare. */
export function isValidSignature(secret: string, body: Buffer, header: string) {
  const expected = Buffer.from(
    `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
  );
  const actual = Buffer.from(header);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * Receives GitHub webhooks at `POST /api/dora/github/webhook`. The route is
 * open to unauthenticated callers only because every delivery must carry a
 * valid `X-Hub-Signature-256` (HMAC-SHA256 of the raw body with the shared
 * secret, compared in constant time). A delivery whose `X-GitHub-Delivery`
 * was already processed is answered as a duplicate and not processed again
 * (and would map to the same event ids anyway).
 */
export class GithubWebhookSource implements DoraEventSource {
  readonly id = 'github-webhook';
  readonly #secret: string;
  readonly #incidentLabels: string[];
  readonly #logger: LoggerService;
  readonly #deliveries: DeliveryLog;
  #sink?: DoraEventSink;

  static create(options: {
    secret: string;
    incidentLabels: string[];
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
    this.#logger = options.logger;
    this.#deliveries = options.deliveries;
  }

  async connect(sink: DoraEventSink) {
    this.#sink = sink;
  }

  router(): express.Router {
    const router = Router();
    router.post(
      '/github/webhook',
      express.raw({ type: () => true, limit: '25mb' }),
      async (req, res) => {
        const signature = req.header('x-hub-signature-256');
        const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        if (!signature) {
          throw new AuthenticationError('Missing X-Hub-Signature-256');
        }
        if (!isValidSignature(this.#secret, raw, signature)) {
          throw new AuthenticationError('X-Hub-Signature-256 does not match');
        }
        const body = raw.toString('utf8');
        const eventName = req.header('x-github-event') ?? '';
        // A GUID from GitHub; the column holds 100 characters.
        const delivery = req.header('x-github-delivery')?.slice(0, 100);
        if (eventName === 'ping') {
          res.json({ ok: true });
          return;
        }
        if (delivery && (await this.#deliveries.hasDelivery(delivery))) {
          res.status(200).json({ duplicate: true, delivery });
          return;
        }
        let payload;
        try {
          payload = JSON.parse(body);
        } catch {
          throw new InputError('The delivery body is not JSON');
        }
        const events = mapGithubEvent(eventName, payload, {
          incidentLabels: this.#incidentLabels,
        });
        if (events.length === 0) {
          res
            .status(202)
            .json({ accepted: 0, unchanged: 0, ignored: eventName });
          return;
        }
        if (!this.#sink) throw new Error('DORA plugin has not started yet');
        const result = await this.#sink.ingest(GITHUB_EVENT_SOURCE, events);
        // Recorded only once processed: a delivery that failed may come again.
        if (delivery) {
          await this.#deliveries.recordDelivery(delivery, new Date());
        }
        this.#logger.info(
          `GitHub delivery ${delivery ?? '(no id)'} (${eventName}): ${
            result.accepted
          } accepted, ${result.unchanged} unchanged`,
        );
        res.status(202).json(result);
      },
    );
    return router;
  }
}
