/**
 * Sends outgoing webhooks (issue #5). Every tick (and at once when this replica issues a
 * verdict) it reads the verdicts and findings of the last few minutes from the store, so a
 * verdict issued by any replica is seen, and records one delivery per subscribed endpoint
 * and event (unique in the store) with a `webhook.delivery` job; the job runner
 * (src/server/jobs/) then sends due deliveries (delivery-job.ts), retrying on the spec's
 * schedule. Only events after an endpoint was created are sent to it.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { findFinding, toFinding } from '../db/findings.repository';
import type { Db } from '../db/schema';
import { searchFindings, searchVerdicts } from '../db/verdict-search.repository';
import { enqueueDelivery, listWebhooks, type WebhookRow } from '../db/webhooks.repository';
import { enqueueJob } from '../jobs/queue';
import { createJobRunner } from '../jobs/runner';
import type { Metrics } from '../metrics';
import { toAdminVerdict } from '../admin/views';
import { WEBHOOK_DELIVERY_JOB, webhookDeliveryHandler } from './delivery-job';
import { findingEvent, verdictEvent, type QueuedEvent } from './payloads';
import { ANSWER_EVENT, answerEvent } from './answer-event';
import { answeredSince } from '../db/verdict-answers.repository';
import type { WebhookTargetPolicy } from './targets';

/** Standard Webhooks' example schedule: the delay before attempt 2, 3, … */
export const DEFAULT_RETRY_DELAYS_MS = [5, 300, 1800, 7200, 18_000, 36_000, 50_400, 72_000, 86_400].map(
  (s) => s * 1000,
);

export interface DispatcherOptions {
  db: Db;
  now: () => number;
  metrics: Metrics;
  log?: FastifyBaseLogger;
  intervalMs?: number;
  retryDelaysMs?: readonly number[];
  timeoutMs?: number;
  /** How far back each tick looks for events (late commits, other replicas). */
  lookbackMs?: number;
  /** Where deliveries may go (targets.ts); default: public addresses only. */
  targets?: WebhookTargetPolicy;
}

export interface WebhookDispatcher {
  /** Run a tick soon (a verdict was just issued here, or an admin asked for a test). */
  kick(): void;
  /** One full tick, awaited (tests). */
  tick(): Promise<void>;
  enqueue(webhook: WebhookRow, event: QueuedEvent): Promise<boolean>;
  stop(): Promise<void>;
}

export function createWebhookDispatcher(options: DispatcherOptions): WebhookDispatcher {
  const { db, now } = options;
  const lookbackMs = options.lookbackMs ?? 5 * 60_000;
  const queued = new Map<string, number>();

  const enqueue = async (webhook: WebhookRow, event: QueuedEvent): Promise<boolean> => {
    const key = `${webhook.id}:${event.id}`;
    if (queued.has(key)) return false;
    const at = now();
    const id = randomUUID();
    // The record and its job commit together: a delivery is never recorded without being sent.
    const inserted = await db.transaction().execute(async (trx) => {
      const fresh = await enqueueDelivery(trx, {
        id,
        webhook_id: webhook.id,
        event_id: event.id,
        event_type: event.type,
        payload: event.body,
        status: 'pending',
        attempts: 0,
        next_attempt_at: at,
        locked_until: 0,
        last_status: null,
        last_error: null,
        created_at: at,
        delivered_at: null,
      });
      if (fresh) await enqueueJob(trx, { kind: WEBHOOK_DELIVERY_JOB, key: id, payload: { deliveryId: id } }, at);
      return fresh;
    });
    queued.set(key, event.at);
    return inserted;
  };

  async function recentEvents(webhooks: WebhookRow[]): Promise<QueuedEvent[]> {
    const since = now() - lookbackMs;
    const wants = (type: string) => webhooks.some((w) => (JSON.parse(w.events) as string[]).includes(type));
    const events: QueuedEvent[] = [];
    if (wants('verdict.issued')) {
      for (const row of await searchVerdicts(db, { from: since, limit: 500 })) {
        if (queuedForAll(webhooks, `msg_verdict_${row.id}`)) continue;
        const finding = await findFinding(db, row.finding_id);
        events.push(verdictEvent(toAdminVerdict(row), finding?.summary ?? null));
      }
    }
    if (wants('finding.recorded')) {
      for (const row of await searchFindings(db, { from: since, limit: 500 })) {
        events.push(findingEvent(toFinding(row)));
      }
    }
    if (wants(ANSWER_EVENT)) {
      for (const row of await answeredSince(db, since)) events.push(answerEvent(row));
    }
    return events;
  }

  const queuedForAll = (webhooks: WebhookRow[], eventId: string) =>
    webhooks.every((w) => queued.has(`${w.id}:${eventId}`));

  /** Queues a delivery per subscribed endpoint for what happened lately (any replica's). */
  async function scan(): Promise<void> {
    const webhooks = await listWebhooks(db, true);
    if (webhooks.length > 0) {
      for (const event of await recentEvents(webhooks)) {
        for (const webhook of webhooks) {
          const subscribed = (JSON.parse(webhook.events) as string[]).includes(event.type);
          if (subscribed && event.at >= Number(webhook.created_at)) await enqueue(webhook, event);
        }
      }
    }
    for (const [key, at] of queued) if (at < now() - 2 * lookbackMs) queued.delete(key);
  }

  const timeoutMs = options.timeoutMs ?? 15_000;
  const runner = createJobRunner({
    db,
    now,
    log: options.log,
    metrics: options.metrics,
    intervalMs: options.intervalMs ?? 1000,
    before: scan,
    leaseMs: timeoutMs + 5000,
    handlers: [
      webhookDeliveryHandler({
        db,
        now,
        metrics: options.metrics,
        log: options.log,
        retryDelaysMs: options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS,
        timeoutMs,
        targets: options.targets ?? { allowPrivate: false },
      }),
    ],
  });
  return { ...runner, enqueue };
}
