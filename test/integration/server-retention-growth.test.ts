/**
 * The bounded store over time (issue #16): signed batches ingested over simulated days
 * (a fake clock) with the prune job ticking, and the row counts level off at what the
 * retention keeps; and two replicas pruning the same store at once (two connections)
 * both finish, without a deadlock on PostgreSQL, at the same end state one would reach.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/server/db/database';
import { createMetrics } from '../../src/server/metrics';
import { startRetention } from '../../src/server/retention/job';
import { pruneStore } from '../../src/server/retention/prune';
import { DEFAULT_ORG_POLICY } from '../../src/shared/policy/org-policy';
import { fakeHeartbeat } from '../fixtures/server/fake-signals';
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

const count = async (db: TestStore['store']['db'], table: 'signals' | 'nonces' | 'session_bindings') =>
  Number(
    (
      await db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe.each(DIALECTS)('bounded store (%s)', (dialect) => {
  it('levels off: ingesting every day for 45 days keeps 16 days of signals', async () => {
    app = await createTestApp({ dialect, startAt: T0, policy: { retention: { signalsDays: 15 } } });
    const device = await app.enroll();
    const clock = app.clock;
    const prune = startRetention({ db: app.store.db, now: () => clock.now, metrics: createMetrics() }, quiet, {
      intervalMs: null,
    });
    const perDay = 2 * 5;
    const signals: number[] = [];
    const nonces: number[] = [];

    for (let day = 0; day < 45; day++) {
      clock.now = T0 + day * DAY;
      for (let batch = 0; batch < 2; batch++)
        await app.send(
          device,
          Array.from({ length: 5 }, (_, i) => fakeHeartbeat({ at: clock.now - i })),
        );
      await prune.tick();
      signals.push(await count(app.store.db, 'signals'));
      nonces.push(await count(app.store.db, 'nonces'));
    }
    await prune.stop();

    // Kept: received at or after now - 15 days, i.e. today and the 15 days before.
    expect(signals.slice(0, 16)).toEqual(Array.from({ length: 16 }, (_, d) => (d + 1) * perDay));
    expect(new Set(signals.slice(16))).toEqual(new Set([16 * perDay]));
    // Nonces outlive no day (20 minutes); the session's binding stays while it reports.
    expect(Math.max(...nonces.slice(1))).toBeLessThanOrEqual(2);
    expect(await count(app.store.db, 'session_bindings')).toBe(1);
  });

  it('two replicas pruning at once both finish, at the end state one replica reaches', async () => {
    t = await createTestStore(dialect);
    const other = openDatabase({ dataDir: t.dataDir, databaseUrl: t.databaseUrl });
    const s = seeder(t.store.db, T0);
    const db = t.store.db;
    const rows = <T>(n: number, make: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => make(i));
    const insert = async (table: 'signals' | 'audit_log' | 'session_bindings', values: object[]) => {
      for (let i = 0; i < values.length; i += 500)
        await db
          .insertInto(table)
          .values(values.slice(i, i + 500) as never)
          .execute();
    };
    const signal = (id: string, days: number, session: string | null) => ({
      id,
      device_id: 'dev-1',
      batch_id: 'b',
      type: 'heartbeat',
      at: s.ago(days),
      received_at: s.ago(days),
      session_key: session,
      source_ip: null,
      host: null,
      bytes: null,
      data: '{}',
    });
    await insert('signals', [
      ...rows(3000, (i) => signal(`old-${i}`, 40, null)),
      ...rows(50, (i) => signal(`new-${i}`, 1, i < 10 ? `${i}`.padStart(64, '0') : null)),
    ]);
    await insert(
      'audit_log',
      rows(3000, (i) => ({
        id: `a-${i}`,
        at: s.ago(400 + (i % 3)),
        actor: 'cli',
        action: 'x',
        target: null,
        ip: null,
        details: '{}',
      })),
    );
    await insert(
      'session_bindings',
      rows(400, (i) => ({
        session_key: `${i}`.padStart(64, '0'),
        device_id: 'dev-1',
        fingerprint: null,
        signal_id: 'x',
        bound_at: s.ago(100),
        created_at: s.ago(100),
      })),
    );

    const runTillDone = async (on: typeof db) => {
      let deleted = 0;
      for (;;) {
        const pass = await pruneStore(on, DEFAULT_ORG_POLICY, T0, { chunkSize: 100, maxChunks: 5 });
        deleted += Object.values(pass.deleted).reduce((a, b) => a + b, 0);
        if (!pass.more) return deleted;
      }
    };
    const results = await Promise.allSettled([
      runTillDone(db),
      runTillDone(other.db),
      runTillDone(db),
      runTillDone(other.db),
    ]);
    await other.close();

    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    const total = results.reduce((sum, r) => sum + (r.status === 'fulfilled' ? r.value : 0), 0);
    expect(total).toBe(3000 + 3000 + 390);
    expect(await idsOf(db, 'signals')).toEqual(rows(50, (i) => `new-${i}`).sort());
    expect(await idsOf(db, 'audit_log')).toEqual([]);
    expect(await idsOf(db, 'session_bindings')).toEqual(rows(10, (i) => `${i}`.padStart(64, '0')).sort());
  });
});
