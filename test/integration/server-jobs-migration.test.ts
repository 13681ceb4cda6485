/**
 * Upgrading a store onto the job queue (issue #11) loses no work, on each dialect: a
 * pending webhook delivery (even one a dead replica held locked), a pending Slack
 * revocation and a pending audit-log entry written in the old shape are run after the
 * migration, and the audit-log position becomes the poll job's payload.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Migrator } from 'kysely';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { composeApp } from '../../src/server/app';
import { openDatabase } from '../../src/server/db/database';
import { findJob } from '../../src/server/db/jobs.repository';
import { MIGRATIONS } from '../../src/server/db/migrations/index';
import { openStore } from '../../src/server/db/open-store';
import { auditPosition } from '../../src/server/db/slack-audit.repository';
import { resolveSlackConfig } from '../../src/server/slack/config';
import { loadSecretKey } from '../../src/server/slack/secret-key';
import { createSlackService } from '../../src/server/slack/service';
import { auditEntry } from '../fakes/fake-slack-api';
import { createPostgresDatabase, DIALECTS, stopPostgres } from './server-support/test-store';

const LAST_MIGRATION_BEFORE_JOBS = '20260101000400_identity_challenges';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(stopPostgres);

async function receiver(): Promise<{ url: string; bodies: string[] }> {
  const bodies: string[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      bodies.push(body);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, bodies };
}

describe.each(DIALECTS)('moving old queues onto the job queue (%s)', (dialect) => {
  it('runs the pending deliveries, revocations and audit entries written before the upgrade', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'sg-jobs-migration-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const database = dialect === 'postgres' ? await createPostgresDatabase() : null;
    if (database) cleanups.push(() => database.drop());
    const place = { dataDir, databaseUrl: database?.url };
    const hook = await receiver();
    const T = Date.now() - 60_000;

    const legacy = openDatabase(place);
    const migrator = new Migrator({ db: legacy.db, provider: { getMigrations: async () => MIGRATIONS } });
    const { error } = await migrator.migrateTo(LAST_MIGRATION_BEFORE_JOBS);
    if (error) throw error;
    await legacy.db
      .insertInto('webhooks')
      .values({
        id: 'w1',
        url: hook.url,
        secret: `whsec_${randomBytes(32).toString('base64')}`,
        events: '["webhook.test"]',
        description: '',
        enabled: 1,
        disabled_reason: null,
        created_at: T,
        created_by: 'admin',
      })
      .execute();
    await legacy.db
      .insertInto('webhook_deliveries')
      .values({
        id: 'd1',
        webhook_id: 'w1',
        event_id: 'msg_test_1',
        event_type: 'webhook.test',
        payload: '{"type":"webhook.test"}',
        status: 'pending',
        attempts: 1,
        next_attempt_at: T,
        // A replica died holding it: the new queue must not wait for that lock.
        locked_until: T + 3600_000,
        last_status: 500,
        last_error: 'HTTP 500',
        created_at: T,
        delivered_at: null,
      })
      .execute();
    await legacy.db
      .insertInto('slack_revocations')
      .values({
        verdict_id: 'v-gone',
        device_id: 'dev-1',
        user_id: null,
        mode: 'user',
        status: 'pending',
        attempts: 0,
        next_attempt_at: T,
        locked_until: 0,
        last_error: null,
        created_at: T,
        updated_at: T,
      })
      .execute();
    await legacy.db
      .insertInto('slack_audit_entries')
      .values({
        id: 'e1',
        date_create: Math.floor(T / 1000),
        action: 'user_login',
        user_id: 'U0OTHER',
        payload: JSON.stringify(auditEntry({ id: 'e1', at: Math.floor(T / 1000), userId: 'U0OTHER' })),
        status: 'pending',
        locked_until: 0,
        received_at: T,
        processed_at: null,
        result: null,
      })
      .execute();
    await legacy.db
      .insertInto('slack_audit_state')
      .values({
        id: 'default',
        watermark: 1_700_000_100,
        window_oldest: 1_700_000_000,
        window_latest: 1_700_000_200,
        cursor: 'cursor-in-window',
        lease_owner: 'old-replica',
        lease_until: T + 3600_000,
        paused_until: 0,
        last_poll_at: T,
        last_error: null,
        entries_seen: 1,
      })
      .execute();
    await legacy.close();

    const store = await openStore({ ...place, env: {} });
    cleanups.push(() => store.close());
    const key = loadSecretKey({ env: { SESSION_GUARD_SECRET_KEY: randomBytes(32).toString('base64') }, dataDir });
    const slack = createSlackService({
      db: store.db,
      config: resolveSlackConfig({}, { SESSION_GUARD_SLACK_API_URL: 'http://127.0.0.1:1/api' }),
      key: () => key,
      timers: false,
    });
    const { app, workers } = await composeApp({
      db: store.db,
      dialect: store.dialect,
      secrets: store.secrets,
      slack,
      webhookTargets: { allowPrivate: true },
    });
    cleanups.push(() => app.close());
    const migratedPoll = await auditPosition(store.db);
    await workers.webhooks.tick();
    await slack.tick();

    expect(hook.bodies).toEqual(['{"type":"webhook.test"}']);
    const delivery = await store.db.selectFrom('webhook_deliveries').selectAll().executeTakeFirstOrThrow();
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 2, last_status: 200 });
    const revocation = await store.db.selectFrom('slack_revocations').selectAll().executeTakeFirstOrThrow();
    expect(revocation).toMatchObject({ status: 'failed', last_error: expect.stringContaining('unknown_verdict') });
    const entry = await store.db.selectFrom('slack_audit_entries').selectAll().executeTakeFirstOrThrow();
    expect(entry.status).toBe('done');
    expect(JSON.parse(entry.result!)).toEqual({ correlation: 'not_guarded' });
    expect(migratedPoll.position).toEqual({
      watermark: 1_700_000_100,
      windowOldest: 1_700_000_000,
      windowLatest: 1_700_000_200,
      cursor: 'cursor-in-window',
    });
    expect((await auditPosition(store.db)).position).toEqual(migratedPoll.position);
    expect(await findJob(store.db, 'webhook.delivery', 'd1')).toMatchObject({ status: 'done', attempts: 2 });
    expect(await findJob(store.db, 'slack.revocation', 'v-gone')).toMatchObject({ status: 'failed' });
    expect(await findJob(store.db, 'slack.audit.entry', 'e1')).toMatchObject({ status: 'done' });
  });
});
