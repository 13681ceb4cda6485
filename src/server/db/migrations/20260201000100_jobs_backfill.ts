/**
 * Moves the work the old per-feature queues still held onto the job queue (issue #11),
 * so an upgrade loses none of it: each pending webhook delivery, pending Slack revocation
 * and pending audit-log entry gets its job (due when its row said, with its attempts so
 * far), and the audit-log connector's position (watermark, window, cursor) becomes the
 * payload of the one `slack.audit.poll` job. The old rows stay as the records the admin
 * API shows; their `locked_until` and the state row's lease and position columns are
 * no longer read. Kinds and payload shapes are written out here, not imported: frozen.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';

interface Job {
  kind: string;
  key: string;
  payload: unknown;
  attempts: number;
  runAt: number;
  lastError: string | null;
  createdAt: number;
}

async function insert(db: Kysely<any>, job: Job): Promise<void> {
  await db
    .insertInto('jobs')
    .values({
      id: randomUUID(),
      kind: job.kind,
      key: job.key,
      payload: JSON.stringify(job.payload),
      status: 'pending',
      attempts: job.attempts,
      run_at: job.runAt,
      locked_until: 0,
      locked_by: null,
      last_error: job.lastError,
      created_at: job.createdAt,
      updated_at: job.createdAt,
    })
    .onConflict((oc) => oc.columns(['kind', 'key']).doNothing())
    .execute();
}

export async function up(db: Kysely<any>): Promise<void> {
  const deliveries = await db.selectFrom('webhook_deliveries').selectAll().where('status', '=', 'pending').execute();
  for (const d of deliveries) {
    await insert(db, {
      kind: 'webhook.delivery',
      key: d.id,
      payload: { deliveryId: d.id },
      attempts: Number(d.attempts),
      runAt: Number(d.next_attempt_at),
      lastError: d.last_error,
      createdAt: Number(d.created_at),
    });
  }
  const revocations = await db.selectFrom('slack_revocations').selectAll().where('status', '=', 'pending').execute();
  for (const r of revocations) {
    await insert(db, {
      kind: 'slack.revocation',
      key: r.verdict_id,
      payload: { verdictId: r.verdict_id },
      attempts: Number(r.attempts),
      runAt: Number(r.next_attempt_at),
      lastError: r.last_error,
      createdAt: Number(r.created_at),
    });
  }
  const entries = await db
    .selectFrom('slack_audit_entries')
    .select(['id', 'received_at'])
    .where('status', '=', 'pending')
    .execute();
  for (const e of entries) {
    await insert(db, {
      kind: 'slack.audit.entry',
      key: e.id,
      payload: { entryId: e.id },
      attempts: 0,
      runAt: Number(e.received_at),
      lastError: null,
      createdAt: Number(e.received_at),
    });
  }
  const state = await db.selectFrom('slack_audit_state').selectAll().where('id', '=', 'default').executeTakeFirst();
  if (state) {
    const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
    await insert(db, {
      kind: 'slack.audit.poll',
      key: 'default',
      payload: {
        watermark: num(state.watermark),
        windowOldest: num(state.window_oldest),
        windowLatest: num(state.window_latest),
        cursor: state.cursor ?? null,
      },
      attempts: 0,
      runAt: Number(state.paused_until),
      lastError: null,
      createdAt: num(state.last_poll_at) ?? 0,
    });
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db
    .deleteFrom('jobs')
    .where('kind', 'in', ['webhook.delivery', 'slack.revocation', 'slack.audit.entry', 'slack.audit.poll'])
    .execute();
}
