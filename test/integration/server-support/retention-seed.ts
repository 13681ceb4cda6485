/**
 * Rows for the retention tests (issue #16), written straight into each growing table
 * with only what a test varies (id, age, status, what it references); every other column
 * gets a plausible constant. Ages are relative to the test's clock.
 */
import type { Db } from '../../../src/server/db/schema';

export const DAY = 86_400_000;
const key = (c: string) => c.repeat(64).slice(0, 64);

export function seeder(db: Db, now: number) {
  const ago = (days: number) => now - days * DAY;
  return {
    ago,
    key,
    signal: (id: string, days: number, extra: { session?: string; batch?: string } = {}) =>
      db
        .insertInto('signals')
        .values({
          id,
          device_id: 'dev-1',
          batch_id: extra.batch ?? `batch-${id}`,
          type: 'heartbeat',
          at: ago(days),
          received_at: ago(days),
          session_key: extra.session ?? null,
          source_ip: null,
          host: null,
          bytes: null,
          data: '{}',
        })
        .execute(),
    binding: (session: string, days: number) =>
      db
        .insertInto('session_bindings')
        .values({
          session_key: session,
          device_id: 'dev-1',
          fingerprint: null,
          signal_id: 'sig',
          bound_at: ago(days),
          created_at: ago(days),
        })
        .execute(),
    finding: (id: string, days: number) =>
      db
        .insertInto('findings')
        .values({
          id,
          detector: 'tor',
          reason: 'tor',
          severity: 'high',
          subject: 'U1',
          device_id: 'dev-1',
          session_key: null,
          signal_id: 'sig',
          policy_version: 1,
          mode: 'enforce',
          action: 'terminate',
          outcome: 'verdict_issued',
          verdict_id: null,
          summary: 's',
          evidence: '{}',
          event_at: ago(days),
          detected_at: ago(days),
        })
        .execute(),
    verdict: (id: string, days: number, findingId: string, expiresInMs = -1) =>
      db
        .insertInto('verdicts')
        .values({
          id,
          device_id: 'dev-1',
          subject: 'U1',
          session_key: null,
          reasons: '["tor"]',
          finding_id: findingId,
          payload: '{}',
          signature: 'sig',
          policy_version: 1,
          issued_at: ago(days),
          expires_at: expiresInMs < 0 ? ago(days) + 600_000 : now + expiresInMs,
        })
        .execute(),
    ack: (verdictId: string, days: number) =>
      db
        .insertInto('acks')
        .values({
          verdict_id: verdictId,
          device_id: 'dev-1',
          outcome: 'cleared',
          detail: null,
          via: 'stream',
          cookies_cleared: 1,
          timings: '{}',
          latency_ms: 10,
          received_at: ago(days),
        })
        .execute(),
    revocation: (verdictId: string, days: number, status: string) =>
      db
        .insertInto('slack_revocations')
        .values({
          verdict_id: verdictId,
          device_id: 'dev-1',
          user_id: 'U1',
          mode: 'user',
          status,
          attempts: 1,
          next_attempt_at: ago(days),
          locked_until: 0,
          last_error: null,
          created_at: ago(days),
          updated_at: ago(days),
        })
        .execute(),
    revocationEvent: (id: string, verdictId: string, days: number) =>
      db
        .insertInto('slack_revocation_events')
        .values({ id, verdict_id: verdictId, at: ago(days), kind: 'queued', detail: '{}' })
        .execute(),
    inbox: (table: 'slack_audit_entries' | 'slack_access_entries', id: string, days: number, status: string) =>
      table === 'slack_audit_entries'
        ? db
            .insertInto(table)
            .values({
              id,
              date_create: Math.floor(ago(days) / 1000),
              action: 'user_login',
              user_id: 'U1',
              payload: '{}',
              status,
              locked_until: 0,
              received_at: ago(days),
              processed_at: null,
              result: null,
            })
            .execute()
        : db
            .insertInto(table)
            .values({
              id,
              user_id: 'U1',
              date_last: Math.floor(ago(days) / 1000),
              payload: '{}',
              status,
              locked_until: 0,
              received_at: ago(days),
              processed_at: null,
              result: null,
            })
            .execute(),
    delivery: (id: string, days: number, status: string) =>
      db
        .insertInto('webhook_deliveries')
        .values({
          id,
          webhook_id: 'wh-1',
          event_id: id,
          event_type: 'verdict.issued',
          payload: '{}',
          status,
          attempts: 1,
          next_attempt_at: ago(days),
          locked_until: 0,
          last_status: null,
          last_error: null,
          created_at: ago(days),
          delivered_at: null,
        })
        .execute(),
    audit: (id: string, days: number) =>
      db
        .insertInto('audit_log')
        .values({ id, at: ago(days), actor: 'cli', action: 'policy.update', target: null, ip: null, details: '{}' })
        .execute(),
    nonce: (id: string, ms: number) =>
      db
        .insertInto('nonces')
        .values({ id, kind: 'batch', device_id: 'dev-1', received_at: now - ms })
        .execute(),
    challenge: (hash: string, expiredMs: number) =>
      db
        .insertInto('identity_challenges')
        .values({
          nonce_hash: hash,
          device_id: 'dev-1',
          created_at: now - expiredMs - 600_000,
          expires_at: now - expiredMs,
          used_at: null,
        })
        .execute(),
    /** A job finished (or last touched) `days` ago, its id being its key. */
    job: (key: string, status: 'done' | 'failed' | 'pending', days: number) =>
      db
        .insertInto('jobs')
        .values({
          id: key,
          kind: 'test.kept',
          key,
          payload: 'null',
          status,
          attempts: 1,
          run_at: ago(days),
          locked_until: 0,
          locked_by: null,
          last_error: status === 'failed' ? 'gave up' : null,
          created_at: ago(days),
          updated_at: ago(days),
        })
        .execute(),
    adminSession: (hash: string, expiredMs: number) =>
      db
        .insertInto('admin_sessions')
        .values({ id_hash: hash, created_at: now - expiredMs - DAY, expires_at: now - expiredMs })
        .execute(),
  };
}

/** The key column of each pruned table, to list what is left. */
const KEYS: Record<string, string> = {
  acks: 'verdict_id',
  slack_revocations: 'verdict_id',
  session_bindings: 'session_key',
  identity_challenges: 'nonce_hash',
  admin_sessions: 'id_hash',
};

export async function idsOf(db: Db, table: string): Promise<string[]> {
  const column = KEYS[table] ?? 'id';
  const rows = await (db as any).selectFrom(table).select(column).execute();
  return rows.map((r: Record<string, string>) => r[column]).sort();
}
