/**
 * The bounded store (issue #16) on each dialect: the prune pass deletes only rows past
 * their kind's retention and never one that pending work or a kept record still needs;
 * it deletes in chunks and is idempotent; a too-short setting is refused with its reason
 * on save (PUT /api/policy, nothing stored) and at startup (the policy file); the prune
 * job reschedules itself on the job queue and counts what it deleted; the retention is
 * shown with row counts (API and dashboard).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { findJob } from '../../src/server/db/jobs.repository';
import { enqueueJob } from '../../src/server/jobs/queue';
import { createMetrics } from '../../src/server/metrics';
import { loadPolicyFile } from '../../src/server/policy/policy-file';
import { PRUNE_JOB, PRUNE_JOB_KEY, PRUNE_PERIOD_MS, startRetention } from '../../src/server/retention/job';
import { pruneStore } from '../../src/server/retention/prune';
import { DEFAULT_ORG_POLICY, OrgPolicy, parseOrgPolicy } from '../../src/shared/policy/org-policy';
import { DOWNLOAD_BASELINE_DAYS, effectiveRetention } from '../../src/shared/policy/retention';
import { BASELINE_DAYS } from '../../src/server/detection/detectors/excessive_downloads';
import { createApiToken } from '../../src/server/auth/admin-auth';
import { postForm, signIn } from './server-support/admin-session';
import { DAY, idsOf, seeder } from './server-support/retention-seed';
import { createTestApp, type TestApp } from './server-support/test-app';
import { createTestStore, DIALECTS, stopPostgres, type TestStore } from './server-support/test-store';

afterAll(stopPostgres);

const T0 = 1_790_000_000_000;
const quiet = { warn() {}, error() {} };
let t: TestStore | undefined;
let app: TestApp | undefined;
afterEach(async () => {
  await t?.cleanup();
  await app?.close();
  t = app = undefined;
});

/** Old (400 days) and new rows in every growing table, and old rows that something still needs. */
async function seedAll(db: TestStore['store']['db']) {
  const s = seeder(db, T0);
  await s.signal('s-old', 400);
  await s.signal('s-new', 1, { session: s.key('b') });
  await s.signal('s-old-pending', 400, { batch: 'batch-pending' });
  // Keyed as detection-jobs.ts keys it: `<device>:<batch>`.
  await enqueueJob(db, { kind: 'detection.batch', key: 'dev-1:batch-pending', payload: {} }, T0);
  await s.binding(s.key('a'), 400);
  await s.binding(s.key('b'), 400); // its session reported yesterday (s-new)
  await s.binding(s.key('c'), 1);
  await s.finding('f-old', 400);
  await s.finding('f-old-of-kept-verdict', 400);
  await s.finding('f-new', 1);
  await s.verdict('v-old', 400, 'f-old');
  await s.verdict('v-old-revoking', 400, 'f-old-of-kept-verdict');
  await s.verdict('v-new', 1, 'f-new');
  await s.ack('v-old', 400);
  await s.ack('v-old-revoking', 400);
  await s.revocation('v-old', 400, 'done');
  await s.revocation('v-old-revoking', 400, 'pending');
  await s.revocationEvent('e-old', 'v-old', 400);
  await s.revocationEvent('e-old-revoking', 'v-old-revoking', 400);
  for (const table of ['slack_audit_entries', 'slack_access_entries'] as const) {
    await s.inbox(table, 'i-old', 400, 'done');
    await s.inbox(table, 'i-old-pending', 400, 'pending');
    await s.inbox(table, 'i-new', 1, 'done');
  }
  await s.delivery('d-old', 400, 'delivered');
  await s.delivery('d-old-pending', 400, 'pending');
  await s.delivery('d-new', 1, 'failed');
  await s.audit('a-old', 400);
  await s.audit('a-new', 1);
  await s.nonce('n-old', 3600_000);
  await s.nonce('n-new', 1000);
  await s.challenge('c-old', 2 * DAY);
  await s.challenge('c-new', -600_000);
  await s.adminSession('h-old', 1000);
  await s.adminSession('h-new', -DAY);
  // Finished jobs go after 7 days (they were a loop of their own before); failed ones stay for an operator.
  await s.job('j-done-old', 'done', 8);
  await s.job('j-done-new', 'done', 6);
  await s.job('j-failed-old', 'failed', 400);
  await s.job('j-pending-old', 'pending', 400);
}

const EXPECTED_LEFT: Record<string, string[]> = {
  signals: ['s-new', 's-old-pending'],
  session_bindings: ['b'.repeat(64), 'c'.repeat(64)],
  findings: ['f-new', 'f-old-of-kept-verdict'],
  verdicts: ['v-new', 'v-old-revoking'],
  acks: ['v-old-revoking'],
  slack_revocations: ['v-old-revoking'],
  slack_revocation_events: ['e-old-revoking'],
  slack_audit_entries: ['i-new', 'i-old-pending'],
  slack_access_entries: ['i-new', 'i-old-pending'],
  webhook_deliveries: ['d-new', 'd-old-pending'],
  audit_log: ['a-new'],
  nonces: ['n-new'],
  identity_challenges: ['c-new'],
  admin_sessions: ['h-new'],
  jobs: ['j-done-new', 'j-failed-old', 'j-pending-old'],
};

async function leftOf(db: TestStore['store']['db']) {
  const left: Record<string, string[]> = {};
  for (const table of Object.keys(EXPECTED_LEFT)) left[table] = await idsOf(db, table);
  // Only the seeded jobs: the detection job above and the prune job itself live there too.
  left.jobs = left.jobs!.filter((id) => id.startsWith('j-'));
  return left;
}

describe.each(DIALECTS)('retention (%s)', (dialect) => {
  it('deletes only rows past retention, keeps what pending work or a kept record needs, and is idempotent', async () => {
    t = await createTestStore(dialect);
    await seedAll(t.store.db);

    const first = await pruneStore(t.store.db, DEFAULT_ORG_POLICY, T0, { chunkSize: 1, maxChunks: 100 });
    const second = await pruneStore(t.store.db, DEFAULT_ORG_POLICY, T0);

    expect(await leftOf(t.store.db)).toEqual(EXPECTED_LEFT);
    expect(first.more).toBe(false);
    expect(first.deleted).toMatchObject({ signals: 1, verdicts: 1, acks: 1, findings: 1, audit_log: 1 });
    expect(Object.values(second.deleted).every((n) => n === 0)).toBe(true);
  });

  it('stops a table after maxChunks and says there is more', async () => {
    t = await createTestStore(dialect);
    const s = seeder(t.store.db, T0);
    for (let i = 0; i < 5; i++) await s.audit(`a${i}`, 400);

    const pass = await pruneStore(t.store.db, DEFAULT_ORG_POLICY, T0, { chunkSize: 2, maxChunks: 2 });

    expect(pass).toMatchObject({ more: true, deleted: { audit_log: 4 } });
    expect(await idsOf(t.store.db, 'audit_log')).toHaveLength(1);
  });

  it('follows the policy: a longer setting keeps what the default would prune', async () => {
    t = await createTestStore(dialect);
    const s = seeder(t.store.db, T0);
    await s.signal('s-40', 40);
    const keep60 = OrgPolicy.parse({ retention: { signalsDays: 60 } });

    await pruneStore(t.store.db, keep60, T0);
    const kept = await idsOf(t.store.db, 'signals');
    await pruneStore(t.store.db, DEFAULT_ORG_POLICY, T0);

    expect(kept).toEqual(['s-40']);
    expect(await idsOf(t.store.db, 'signals')).toEqual([]);
  });

  it('refuses a too-short setting on save with the reason, and stores nothing', async () => {
    app = await createTestApp({ dialect, startAt: T0 });
    const headers = { authorization: `Bearer ${await createApiToken(app.store.db, 'test', T0)}` };
    const before = await app.app.inject({ method: 'GET', url: '/api/policy', headers });

    const short = await app.app.inject({
      method: 'PUT',
      url: '/api/policy',
      headers,
      payload: { detectors: { unexpected_admin_action: { baselineDays: 30 } }, retention: { signalsDays: 20 } },
    });
    // An insider with the admin password cannot shorten the trail of their own actions.
    const trail = await app.app.inject({
      method: 'PUT',
      url: '/api/policy',
      headers,
      payload: { retention: { auditLogDays: 1 } },
    });
    const after = await app.app.inject({ method: 'GET', url: '/api/policy', headers });

    expect(short.statusCode).toBe(400);
    expect(JSON.stringify(short.json())).toContain(
      'retention.signalsDays: 20 days is shorter than the 31 days detectors.unexpected_admin_action.baselineDays (30) + today needs',
    );
    expect(trail.statusCode).toBe(400);
    expect(JSON.stringify(trail.json())).toContain('an admin must not erase the trail of their recent actions');
    expect(after.json().version).toBe(before.json().version);
  });

  it('runs as one recurring job that reschedules itself and counts what it pruned', async () => {
    t = await createTestStore(dialect);
    await seedAll(t.store.db);
    const metrics = createMetrics();
    const clock = { now: T0 };
    const ctx = { db: t.store.db, now: () => clock.now, metrics };
    const replicas = [
      startRetention(ctx, quiet, { intervalMs: null }),
      startRetention(ctx, quiet, { intervalMs: null }),
    ];

    await Promise.all(replicas.map((r) => r.tick()));
    const job = await findJob(t.store.db, PRUNE_JOB, PRUNE_JOB_KEY);
    const text = await metrics.render();
    await Promise.all(replicas.map((r) => r.stop()));

    expect(await leftOf(t.store.db)).toEqual(EXPECTED_LEFT);
    expect(job).toMatchObject({ status: 'pending', run_at: T0 + PRUNE_PERIOD_MS, last_error: null });
    expect(text).toContain('sg_retention_pruned_rows_total{kind="signals",table="signals"} 1');
    expect(text).toContain('sg_retention_pruned_rows_total{kind="verdicts",table="acks"} 1');
    expect(text).toContain('sg_retention_pruned_rows_total{kind="fixed",table="nonces"} 1');
  });

  it('shows each kind with its retention and row counts (API and dashboard)', async () => {
    app = await createTestApp({ dialect, startAt: T0 });
    const headers = { authorization: `Bearer ${await createApiToken(app.store.db, 'test', T0)}` };
    const session = await signIn(app.app, app.store.db);
    await app.setPolicy({ retention: { findingsDays: 400 } });
    await seeder(app.store.db, T0).signal('s1', 1);

    const base = /name="baseVersion" value="(\d+)"/.exec(
      (await postForm(app.app, '/policy/review', session, { _csrf: session.csrf, document: '{}' })).body,
    )![1]!;
    const refused = await postForm(app.app, '/policy', session, {
      _csrf: session.csrf,
      document: JSON.stringify({ retention: { webhookDeliveriesDays: 1 } }),
      baseVersion: base,
    });
    const api = await app.app.inject({ url: '/api/retention', headers });
    const page = await app.app.inject({ url: '/settings/retention', headers: { cookie: session.cookie } });

    const kinds = api.json().kinds as any[];
    expect(kinds.find((k) => k.kind === 'signals')).toMatchObject({
      days: 30,
      configured: false,
      floorDays: 15,
      tables: [{ table: 'signals', rows: 1 }],
    });
    expect(kinds.find((k) => k.kind === 'findings')).toMatchObject({ days: 400, configured: true });
    expect(kinds.find((k) => k.kind === 'nonces')).toMatchObject({
      days: null,
      fixed: expect.stringContaining('minutes'),
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('<code>retention.webhookDeliveriesDays</code>: 1 day is shorter than the 3 days');
    expect(kinds.find((k) => k.kind === 'webhookDeliveries')).toMatchObject({ days: 30, configured: false });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('retention.findingsDays');
    expect(page.body).toMatch(/<code>signals<\/code> 1/);
  });
});

describe('retention settings', () => {
  it('refuses a too-short setting in the policy file the server starts with', async () => {
    t = await createTestStore('sqlite');
    const file = join(t.dataDir, 'policy.json');
    await writeFile(file, JSON.stringify({ retention: { signalsDays: 7 } }));

    const loaded = await loadPolicyFile(file);

    expect(loaded.ok).toBe(false);
    expect(!loaded.ok && loaded.error).toContain(
      'retention.signalsDays: 7 days is shorter than the 15 days the 14-day age a device may still send a signal at',
    );
  });

  it('raises an unset kind to what the policy windows need, so no stored policy becomes invalid', () => {
    const parsed = parseOrgPolicy({ detectors: { unexpected_admin_action: { baselineDays: 90 } } });

    expect(parsed.ok).toBe(true);
    expect(parsed.ok && effectiveRetention(parsed.policy).find((r) => r.kind === 'signals')).toMatchObject({
      days: 91,
      configured: false,
    });
    expect(DOWNLOAD_BASELINE_DAYS).toBe(BASELINE_DAYS);
  });
});
