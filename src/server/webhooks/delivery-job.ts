/**
 * One webhook delivery as a job (issue #5, on the queue since issue #11): POST the stored
 * body, signed as Standard Webhooks specifies, to the endpoint. A non-2xx answer, a
 * timeout or a refused target is retried on the webhook schedule (the queue adds ±10 %
 * jitter and honours Retry-After) until the last attempt; 410 Gone disables the endpoint.
 * The delivery row is the record the admin sees; the job is what gets it sent.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/schema';
import { disableWebhook, findDelivery, findWebhook, recordAttempt } from '../db/webhooks.repository';
import type { JobHandler, JobOutcome } from '../jobs/queue';
import { retryAfterMs } from '../jobs/retry-after';
import type { Metrics } from '../metrics';
import { postWebhook } from './post-webhook';
import { webhookHeaders } from './signing';
import type { WebhookTargetPolicy } from './targets';

export const WEBHOOK_DELIVERY_JOB = 'webhook.delivery';

export interface DeliveryJobOptions {
  db: Db;
  now: () => number;
  metrics: Metrics;
  log?: Pick<FastifyBaseLogger, 'warn'>;
  retryDelaysMs: readonly number[];
  timeoutMs: number;
  targets: WebhookTargetPolicy;
}

export function webhookDeliveryHandler(options: DeliveryJobOptions): JobHandler<{ deliveryId: string }> {
  const { db, now, metrics, timeoutMs, targets } = options;
  const count = (result: string) =>
    metrics.inc('sg_webhook_deliveries_total', 'Webhook delivery attempts, by result', { result });

  return {
    kind: WEBHOOK_DELIVERY_JOB,
    retryDelaysMs: options.retryDelaysMs,
    maxAttempts: options.retryDelaysMs.length + 1,
    async run({ deliveryId }, job): Promise<JobOutcome> {
      const delivery = await findDelivery(db, deliveryId);
      // Gone with its endpoint, or settled already: nothing left to send.
      if (!delivery || delivery.status !== 'pending') return { status: 'done' };
      const webhook = await findWebhook(db, delivery.webhook_id);
      const at = now();
      const record = (
        status: 'pending' | 'delivered' | 'failed',
        attempts: number,
        next: number,
        http: number | null,
        error: string | null,
      ) => recordAttempt(db, delivery.id, { status, attempts, nextAttemptAt: next, httpStatus: http, error, now: at });
      if (!webhook || webhook.enabled !== 1) {
        await record('failed', delivery.attempts, at, null, 'endpoint disabled or deleted');
        return { status: 'give_up', error: 'endpoint disabled or deleted' };
      }
      const attempts = Number(delivery.attempts) + 1;
      let httpStatus: number | null = null;
      let error: string | null = null;
      let wait: number | null = null;
      try {
        const headers = webhookHeaders(webhook.secret, delivery.event_id, Math.floor(at / 1000), delivery.payload);
        const response = await postWebhook(
          webhook.url,
          { 'content-type': 'application/json', 'user-agent': 'SessionGuard-Webhooks/1', ...headers },
          delivery.payload,
          { timeoutMs, targets },
        );
        httpStatus = response.status;
        wait = retryAfterMs(response.retryAfter, at);
        if (response.status < 200 || response.status >= 300) error = `HTTP ${response.status}`;
      } catch (e) {
        error = (e as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (e as Error).message;
      }
      if (!error) {
        count('delivered');
        await record('delivered', attempts, at, httpStatus, null);
        return { status: 'done' };
      }
      count('failed');
      if (httpStatus === 410) {
        await disableWebhook(db, webhook.id, 'the endpoint answered 410 Gone');
        await record('failed', attempts, at, httpStatus, error);
        return { status: 'give_up', error };
      }
      options.log?.warn(
        { webhookId: webhook.id, eventId: delivery.event_id, attempts, error },
        'webhook delivery failed',
      );
      if (job.final) {
        await record('failed', attempts, at, httpStatus, error);
        return { status: 'give_up', error };
      }
      const runAt = job.retryAt(wait);
      await record('pending', attempts, runAt, httpStatus, error);
      return { status: 'retry', error, runAt };
    },
  };
}
