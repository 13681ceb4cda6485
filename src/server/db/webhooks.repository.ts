/**
 * Outgoing webhooks and their deliveries. A delivery row is unique per (webhook, event),
 * so replicas that both notice a verdict record it once; it is the delivery's record for
 * the admin (attempts, last answer). Sending it is a job on the queue (src/server/jobs/).
 */
import type { Db } from './schema';
import type { WebhookDeliveriesTable, WebhooksTable } from './webhooks.table';

export type WebhookRow = WebhooksTable;
export type DeliveryRow = WebhookDeliveriesTable;

export async function insertWebhook(db: Db, row: WebhookRow): Promise<void> {
  await db.insertInto('webhooks').values(row).execute();
}

export async function listWebhooks(db: Db, onlyEnabled = false): Promise<WebhookRow[]> {
  let q = db.selectFrom('webhooks').selectAll();
  if (onlyEnabled) q = q.where('enabled', '=', 1);
  return q.orderBy('created_at').execute();
}

export async function findWebhook(db: Db, id: string): Promise<WebhookRow | undefined> {
  return db.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Deletes the endpoint and its undelivered events; true when it existed. */
export async function deleteWebhook(db: Db, id: string): Promise<boolean> {
  const result = await db.deleteFrom('webhooks').where('id', '=', id).executeTakeFirst();
  await db.deleteFrom('webhook_deliveries').where('webhook_id', '=', id).where('status', '=', 'pending').execute();
  return Number(result.numDeletedRows) > 0;
}

export async function disableWebhook(db: Db, id: string, reason: string): Promise<void> {
  await db.updateTable('webhooks').set({ enabled: 0, disabled_reason: reason }).where('id', '=', id).execute();
}

/** True when this (webhook, event) was new and is now queued. */
export async function enqueueDelivery(db: Db, row: DeliveryRow): Promise<boolean> {
  const result = await db
    .insertInto('webhook_deliveries')
    .values(row)
    .onConflict((oc) => oc.columns(['webhook_id', 'event_id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function findDelivery(db: Db, id: string): Promise<DeliveryRow | undefined> {
  return db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirst();
}

export interface AttemptResult {
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptAt: number;
  httpStatus: number | null;
  error: string | null;
  now: number;
}

export async function recordAttempt(db: Db, id: string, result: AttemptResult): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({
      status: result.status,
      attempts: result.attempts,
      next_attempt_at: result.nextAttemptAt,
      locked_until: 0,
      last_status: result.httpStatus,
      last_error: result.error,
      delivered_at: result.status === 'delivered' ? result.now : null,
    })
    .where('id', '=', id)
    .execute();
}

export async function listDeliveries(db: Db, webhookId: string | undefined, limit: number): Promise<DeliveryRow[]> {
  let q = db.selectFrom('webhook_deliveries').selectAll();
  if (webhookId) q = q.where('webhook_id', '=', webhookId);
  return q.orderBy('created_at', 'desc').orderBy('id').limit(limit).execute();
}
