/**
 * Webhook endpoints for the admin: add (the `whsec_` secret is shown once), list (a hint
 * of the secret only), delete, send a test event, and the recent deliveries; audited.
 */
import { randomUUID } from 'node:crypto';
import { WebhookCreateRequest, type DeliveryView, type WebhookView } from '../../shared/protocol/admin';
import type { AppContext } from '../app-context';
import { recordAudit } from '../audit/audit-log';
import type { Db } from '../db/schema';
import {
  deleteWebhook,
  findWebhook,
  insertWebhook,
  listDeliveries,
  listWebhooks,
  type DeliveryRow,
  type WebhookRow,
} from '../db/webhooks.repository';
import { HttpError } from '../http/http-error';
import { testEvent } from '../webhooks/payloads';
import { generateWebhookSecret } from '../webhooks/signing';
import { checkWebhookUrl, WebhookTargetError, type WebhookTargetPolicy } from '../webhooks/targets';
import type { Actor } from './policy-actions';

export function toWebhookView(row: WebhookRow): WebhookView {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    events: JSON.parse(row.events) as string[],
    enabled: row.enabled === 1,
    disabledReason: row.disabled_reason,
    createdAt: Number(row.created_at),
    createdBy: row.created_by,
    secretHint: `${row.secret.slice(0, 10)}…`,
  };
}

export function toDeliveryView(row: DeliveryRow): DeliveryView {
  return {
    id: row.id,
    webhookId: row.webhook_id,
    eventId: row.event_id,
    eventType: row.event_type,
    status: row.status,
    attempts: Number(row.attempts),
    nextAttemptAt: Number(row.next_attempt_at),
    lastStatus: row.last_status === null ? null : Number(row.last_status),
    lastError: row.last_error,
    createdAt: Number(row.created_at),
    deliveredAt: row.delivered_at === null ? null : Number(row.delivered_at),
  };
}

export async function webhookViews(db: Db): Promise<WebhookView[]> {
  return (await listWebhooks(db)).map(toWebhookView);
}

export async function deliveryViews(db: Db, webhookId: string | undefined, limit: number): Promise<DeliveryView[]> {
  return (await listDeliveries(db, webhookId, limit)).map(toDeliveryView);
}

/** Adds an endpoint; an internal target is refused (400 `private_webhook_target`) unless `targets` allows it. */
export async function createWebhookAs(
  db: Db,
  now: number,
  by: Actor,
  input: unknown,
  targets: WebhookTargetPolicy,
): Promise<WebhookView & { secret: string }> {
  const parsed = WebhookCreateRequest.safeParse(input);
  if (!parsed.success) {
    throw new HttpError(
      400,
      'invalid_webhook',
      parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
    );
  }
  const request = parsed.data;
  try {
    await checkWebhookUrl(request.url, targets);
  } catch (error) {
    if (error instanceof WebhookTargetError)
      throw new HttpError(400, 'private_webhook_target', `webhook URL refused: ${error.message}`);
    throw error;
  }
  const row: WebhookRow = {
    id: randomUUID(),
    url: request.url,
    secret: request.secret ?? generateWebhookSecret(),
    events: JSON.stringify([...new Set(request.events)]),
    description: request.description,
    enabled: 1,
    disabled_reason: null,
    created_at: now,
    created_by: by.actor,
  };
  await insertWebhook(db, row);
  await recordAudit(db, now, {
    actor: by.actor,
    ip: by.ip,
    action: 'webhook.create',
    target: row.id,
    details: { url: row.url, events: request.events },
  });
  return { ...toWebhookView(row), secret: row.secret };
}

export async function deleteWebhookAs(db: Db, now: number, by: Actor, id: string): Promise<void> {
  const row = await findWebhook(db, id);
  if (!row || !(await deleteWebhook(db, id))) throw new HttpError(404, 'unknown_webhook', 'no webhook with this id');
  await recordAudit(db, now, {
    actor: by.actor,
    ip: by.ip,
    action: 'webhook.delete',
    target: id,
    details: { url: row.url },
  });
}

/** Queues a `webhook.test` event for one endpoint and sends it at once. */
export async function testWebhookAs(ctx: AppContext, by: Actor, id: string): Promise<{ eventId: string }> {
  const row = await findWebhook(ctx.db, id);
  if (!row) throw new HttpError(404, 'unknown_webhook', 'no webhook with this id');
  if (row.enabled !== 1)
    throw new HttpError(409, 'webhook_disabled', `this webhook is disabled: ${row.disabled_reason ?? 'by an admin'}`);
  const now = ctx.now();
  const event = testEvent(randomUUID(), now, by.actor);
  await ctx.webhooks.enqueue(row, event);
  ctx.webhooks.kick();
  await recordAudit(ctx.db, now, { actor: by.actor, ip: by.ip, action: 'webhook.test', target: id });
  return { eventId: event.id };
}
