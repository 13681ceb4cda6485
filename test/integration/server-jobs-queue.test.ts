/**
 * The job queue (issue #11) over each dialect, driven by `tick()` and an injected clock:
 * idempotent enqueue, disjoint claims by concurrent claimers (two connections), a dead
 * runner's lease expiring into a new claim, retry times on the backoff and Retry-After,
 * and giving up after the handler's attempts, the failed job kept and listable
 * (`session-guard jobs list`).
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/server/cli';
import { openDatabase } from '../../src/server/db/database';
import { claimJobs, findJob, listJobs, settleJob } from '../../src/server/db/jobs.repository';
import { createJobRunner } from '../../src/server/jobs/runner';
import { enqueueJob, type JobHandler, type JobOutcome } from '../../src/server/jobs/queue';
import { createTestStore, DIALECTS, stopPostgres, type TestStore } from './server-support/test-store';

afterAll(stopPostgres);

const T0 = 1_790_000_000_000;
let t: TestStore;
afterEach(async () => t?.cleanup());

/** A handler that records its runs and answers from a script (default done). */
function scripted(kind: string, outcomes: JobOutcome[] = [], extra: Partial<JobHandler> = {}) {
  const runs: { payload: unknown; attempt: number }[] = [];
  const handler: JobHandler = {
    kind,
    ...extra,
    async run(payload, job) {
      runs.push({ payload, attempt: job.attempt });
      return outcomes.shift() ?? { status: 'done' };
    },
  };
  return { handler, runs };
}

describe.each(DIALECTS)('job queue (%s)', (dialect) => {
  const clock = { now: T0 };
  const runner = (handlers: JobHandler[], extra = {}) =>
    createJobRunner({ db: t.store.db, now: () => clock.now, handlers, random: () => 0.5, ...extra });

  it('runs a job enqueued twice with the same key once', async () => {
    t = await createTestStore(dialect);
    clock.now = T0;
    const { handler, runs } = scripted('test.once');

    const first = await enqueueJob(t.store.db, { kind: 'test.once', key: 'k1', payload: { n: 1 } }, clock.now);
    const second = await enqueueJob(t.store.db, { kind: 'test.once', key: 'k1', payload: { n: 2 } }, clock.now);
    const r = runner([handler]);
    await r.tick();
    await r.tick();
    await enqueueJob(t.store.db, { kind: 'test.once', key: 'k1', payload: { n: 3 } }, clock.now);
    await r.tick();

    expect([first, second]).toEqual([true, false]);
    expect(runs).toEqual([{ payload: { n: 1 }, attempt: 1 }]);
    expect(await findJob(t.store.db, 'test.once', 'k1')).toMatchObject({ status: 'done', attempts: 1 });
  });

  it('never hands the same job to two concurrent claimers', async () => {
    t = await createTestStore(dialect);
    const other = openDatabase({ dataDir: t.dataDir, databaseUrl: t.databaseUrl });
    for (let i = 0; i < 60; i++) await enqueueJob(t.store.db, { kind: 'test.race', key: `k${i}`, payload: i }, T0);

    const claim = (db: typeof t.store.db) =>
      claimJobs(db, { kinds: ['test.race'], now: T0, leaseMs: 60_000, limit: 7 });
    const claimed: Awaited<ReturnType<typeof claim>> = [];
    // Concurrent rounds until nothing is due: a claimer that skips a locked row just gets fewer.
    for (let round = 0; round < 30; round++) {
      const got = (await Promise.all([t.store.db, other.db, t.store.db, other.db].map(claim))).flat();
      if (got.length === 0) break;
      claimed.push(...got);
    }
    await other.close();

    const ids = claimed.map((j) => j.key);
    expect(ids).toHaveLength(60);
    expect(new Set(ids).size).toBe(60);
    expect(claimed.every((j) => Number(j.attempts) === 1 && Number(j.locked_until) === T0 + 60_000)).toBe(true);
  });

  it('claims again a job whose runner died once its lease expires', async () => {
    t = await createTestStore(dialect);
    clock.now = T0;
    const { handler, runs } = scripted('test.lease');
    await enqueueJob(t.store.db, { kind: 'test.lease', key: 'k', payload: null }, clock.now);
    const [dead] = await claimJobs(t.store.db, { kinds: ['test.lease'], now: clock.now, leaseMs: 30_000, limit: 5 });
    const r = runner([handler]);

    clock.now += 29_999;
    await r.tick();
    const whileHeld = runs.length;
    clock.now += 1;
    await r.tick();
    const lateSettle = await settleJob(t.store.db, dead!.id, dead!.locked_by!, {
      status: 'pending',
      runAt: clock.now,
      error: 'too late',
      now: clock.now,
    });

    expect(whileHeld).toBe(0);
    expect(runs).toEqual([{ payload: null, attempt: 2 }]);
    expect(lateSettle).toBe(false);
    expect(await findJob(t.store.db, 'test.lease', 'k')).toMatchObject({ status: 'done', last_error: null });
  });

  it('retries on the backoff schedule with ±10 % jitter, never before Retry-After', async () => {
    t = await createTestStore(dialect);
    clock.now = T0;
    const { handler } = scripted(
      'test.retry',
      [
        { status: 'retry', error: 'HTTP 500' },
        { status: 'retry', error: 'HTTP 503' },
        { status: 'retry', error: 'HTTP 429', retryAfterMs: 90_000 },
      ],
      { retryDelaysMs: [1000, 5000, 20_000] },
    );
    await enqueueJob(t.store.db, { kind: 'test.retry', key: 'k', payload: null }, clock.now);
    const r = runner([handler]);
    const runAt = async () => Number((await findJob(t.store.db, 'test.retry', 'k'))!.run_at) - clock.now;

    await r.tick();
    const first = await runAt();
    clock.now += first;
    await r.tick();
    const second = await runAt();
    clock.now += second;
    await r.tick();
    const third = await runAt();

    expect([first, second, third]).toEqual([1000, 5000, 90_000]);
    expect(await findJob(t.store.db, 'test.retry', 'k')).toMatchObject({ status: 'pending', last_error: 'HTTP 429' });
  });

  it('gives up after the handler’s attempts and keeps the job as failed, listable', async () => {
    t = await createTestStore(dialect);
    clock.now = T0;
    const always: JobOutcome = { status: 'retry', error: 'still down' };
    const { handler, runs } = scripted('test.doomed', [always, always, always, always], {
      maxAttempts: 3,
      retryDelaysMs: [1000],
    });
    const { handler: refusing } = scripted('test.refused', [{ status: 'give_up', error: 'no such user' }]);
    await enqueueJob(t.store.db, { kind: 'test.doomed', key: 'k', payload: null }, clock.now);
    await enqueueJob(t.store.db, { kind: 'test.refused', key: 'k', payload: null }, clock.now);
    const r = runner([handler, refusing]);

    for (let i = 0; i < 5; i++) {
      await r.tick();
      clock.now += 2000;
    }

    const out: string[] = [];
    const io = { stdout: (x: string) => void out.push(x), stderr: () => undefined, env: {} };
    // The data dir holds the secret key that unseals the store's verdict keys, on either dialect.
    const where = ['--data-dir', t.dataDir, ...(t.databaseUrl ? ['--database-url', t.databaseUrl] : [])];
    const code = await main(['jobs', 'list', '--json', ...where], {
      ...io,
      waitForShutdown: () => new Promise(() => {}),
    });

    expect(runs.map((x) => x.attempt)).toEqual([1, 2, 3]);
    const failed = await listJobs(t.store.db, { status: 'failed', limit: 10 });
    expect(failed.map((j) => [j.kind, j.attempts, j.last_error]).sort()).toEqual([
      ['test.doomed', 3, 'still down'],
      ['test.refused', 1, 'no such user'],
    ]);
    expect(code).toBe(0);
    const listed = (JSON.parse(out.join('')) as { jobs: { kind: string; lastError: string }[] }).jobs;
    expect(listed.map((j) => [j.kind, j.lastError]).sort()).toEqual([
      ['test.doomed', 'still down'],
      ['test.refused', 'no such user'],
    ]);
  });

  it('ends as failed, unrun, a job whose runners kept dying', async () => {
    t = await createTestStore(dialect);
    clock.now = T0;
    const { handler, runs } = scripted('test.crash', [], { maxAttempts: 2 });
    await enqueueJob(t.store.db, { kind: 'test.crash', key: 'k', payload: null }, clock.now);
    for (let i = 0; i < 2; i++) {
      await claimJobs(t.store.db, { kinds: ['test.crash'], now: clock.now, leaseMs: 1000, limit: 1 });
      clock.now += 1000;
    }

    await runner([handler]).tick();

    expect(runs).toEqual([]);
    expect(await findJob(t.store.db, 'test.crash', 'k')).toMatchObject({ status: 'failed', attempts: 3 });
  });

  it('reschedules recurring work with its new payload and a fresh count', async () => {
    t = await createTestStore(dialect);
    clock.now = T0;
    const { handler, runs } = scripted('test.poll', [
      { status: 'reschedule', runAt: T0 + 60_000, payload: { cursor: 'c2' } },
    ]);
    await enqueueJob(t.store.db, { kind: 'test.poll', key: 'default', payload: { cursor: 'c1' } }, clock.now);
    const r = runner([handler]);

    await r.tick();
    clock.now += 59_999;
    await r.tick();
    clock.now += 1;
    await r.tick();

    expect(runs).toEqual([
      { payload: { cursor: 'c1' }, attempt: 1 },
      { payload: { cursor: 'c2' }, attempt: 1 },
    ]);
  });
});
