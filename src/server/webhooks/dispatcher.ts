/**
 * Sends outgoing webhooks (issue #5). Every tick (and at once when this replica issues a
 * verdict) it reads the verdicts and findings of the last few minutes from the store, so a
 * verdict issued by any replica is seen; it queues one delivery per subscribed endpoint
 * and event (unique in the store), claims due deliveries, and POSTs them signed as
 * Standard Webhooks specifies. A failure (non-2xx, timeout, redirect) is retried on the
 * spec's backoff schedule with ±10 % jitter, honouring Retry-After; 410 Gone disables the
 * endpoint. Only events after an endpoint was created are sent to it.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { findFinding, toFinding } from '../db/findings.repository';
import type { Db } from '../db/schema';
import { searchFindings, searchVerdicts } from '../db/verdict-search.repository';
import {
  claimDueDeliveries,
  disableWebhook,
  enqueueDelivery,
  listWebhooks,
  recordAttempt,
  type DeliveryRow,
  type WebhookRow,
} from '../db/webhooks.repository';
import type { Metrics } from '../metrics';
import { toAdminVerdict } from '../admin/views';
import { findingEvent, verdictEvent, type QueuedEvent } from './payloads';
import { postWebhook } from './post-webhook';
import { webhookHeaders } from './signing';
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
  const { db, now, metrics } = options;
  const retryDelays = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  const lookbackMs = options.lookbackMs ?? 5 * 60_000;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const targets = options.targets ?? { allowPrivate: false };
  const queued = new Map<string, number>();
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;

  const enqueue = async (webhook: WebhookRow, event: QueuedEvent): Promise<boolean> => {
    const key = `${webhook.id}:${event.id}`;
    if (queued.has(key)) return false;
    const inserted = await enqueueDelivery(db, {
      id: randomUUID(),
      webhook_id: webhook.id,
      event_id: event.id,
      event_type: event.type,
      payload: event.body,
      status: 'pending',
      attempts: 0,
      next_attempt_at: now(),
      locked_until: 0,
      last_status: null,
      last_error: null,
      created_at: now(),
      delivered_at: null,
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
    return events;
  }

  const queuedForAll = (webhooks: WebhookRow[], eventId: string) =>
    webhooks.every((w) => queued.has(`${w.id}:${eventId}`));

  async function send(delivery: DeliveryRow, webhook: WebhookRow | undefined): Promise<void> {
    const at = now();
    const attempts = delivery.attempts + 1;
    if (!webhook || webhook.enabled !== 1) {
      await recordAttempt(db, delivery.id, {
        status: 'failed',
        attempts: delivery.attempts,
        nextAttemptAt: at,
        httpStatus: null,
        error: 'endpoint disabled or deleted',
        now: at,
      });
      return;
    }
    let httpStatus: number | null = null;
    let error: string | null = null;
    let retryAfterMs = 0;
    try {
      const headers = webhookHeaders(webhook.secret, delivery.event_id, Math.floor(at / 1000), delivery.payload);
      const response = await postWebhook(
        webhook.url,
        { 'content-type': 'application/json', 'user-agent': 'SessionGuard-Webhooks/1', ...headers },
        delivery.payload,
        { timeoutMs, targets },
      );
      httpStatus = response.status;
      retryAfterMs = retryAfter(response.retryAfter, at);
      if (response.status < 200 || response.status >= 300) error = `HTTP ${response.status}`;
    } catch (e) {
      error = (e as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (e as Error).message;
    }
    if (!error) {
      metrics.inc('sg_webhook_deliveries_total', 'Webhook delivery attempts, by result', { result: 'delivered' });
      await recordAttempt(db, delivery.id, {
        status: 'delivered',
        attempts,
        nextAttemptAt: at,
        httpStatus,
        error: null,
        now: now(),
      });
      return;
    }
    metrics.inc('sg_webhook_deliveries_total', 'Webhook delivery attempts, by result', { result: 'failed' });
    if (httpStatus === 410) {
      await disableWebhook(db, webhook.id, 'the endpoint answered 410 Gone');
      await recordAttempt(db, delivery.id, {
        status: 'failed',
        attempts,
        nextAttemptAt: at,
        httpStatus,
        error,
        now: at,
      });
      return;
    }
    const delay = retryDelays[attempts - 1];
    const final = delay === undefined;
    const jittered = final ? 0 : Math.max(delay * (0.9 + Math.random() * 0.2), retryAfterMs);
    options.log?.warn(
      { webhookId: webhook.id, eventId: delivery.event_id, attempts, error },
      'webhook delivery failed',
    );
    await recordAttempt(db, delivery.id, {
      status: final ? 'failed' : 'pending',
      attempts,
      nextAttemptAt: at + Math.round(jittered),
      httpStatus,
      error,
      now: at,
    });
  }

  async function tickOnce(): Promise<void> {
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
    const due = await claimDueDeliveries(db, now(), timeoutMs + 5000, 20);
    if (due.length === 0) return;
    const all = new Map((await listWebhooks(db)).map((w) => [w.id, w]));
    await Promise.all(due.map((d) => send(d, all.get(d.webhook_id))));
  }

  const tick = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await tickOnce();
        } catch (error) {
          if (!stopped) options.log?.error({ err: error }, 'webhook tick failed');
        }
      } while (again && !stopped);
    })().finally(() => {
      running = null;
    });
    return running;
  };

  const timer = setInterval(() => void tick(), options.intervalMs ?? 1000);
  timer.unref();

  return {
    kick: () => void setImmediate(() => void tick()),
    tick,
    enqueue,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}

function retryAfter(header: string | null, now: number): number {
  if (!header) return 0;
  if (/^\d+$/.test(header)) return Number(header) * 1000;
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(0, at - now) : 0;
}

/** Stands in until buildApp starts the real dispatcher; sends nothing. */
export const IDLE_DISPATCHER: WebhookDispatcher = {
  kick: () => undefined,
  tick: async () => undefined,
  enqueue: async () => false,
  stop: async () => undefined,
};
