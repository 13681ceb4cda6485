/**
 * Nothing acknowledged is lost (issue #17): a stored batch is detected exactly once even
 * when detection throws or the process dies between the commit and detection. The batch's
 * `detection.batch` job (detection-jobs.ts) is retried with backoff by a runner, as any
 * replica would, a bounded number of times, then shown as failed; a job left claimed by a
 * dead process is taken over once its lease runs out; a re-run after the findings were
 * written records nothing twice. Both dialects.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { signalRow, insertSignals } from '../../src/server/db/signals.repository';
import type { Detector } from '../../src/server/detection/define-detector';
import {
  DETECTION_JOB,
  enqueueClaimedDetection,
  startDetectionJobs,
  type DetectionJobSettings,
} from '../../src/server/detection/detection-jobs';
import { runDetection } from '../../src/server/detection/engine';
import { DETECTORS } from '../../src/server/detection/registry';
import { findJob } from '../../src/server/jobs/queue';
import type { JobRunner } from '../../src/server/jobs/runner';
import { createMetrics } from '../../src/server/metrics';
import { fakeBatch, fakeDownloadBurst } from '../fixtures/server/fake-signals';
import type { FakeDevice } from '../fixtures/server/fake-device';
import { signIn } from './server-support/admin-session';
import { createTestApp, type TestApp } from './server-support/test-app';
import { DIALECTS, stopPostgres } from './server-support/test-store';

afterAll(stopPostgres);

const SETTINGS: DetectionJobSettings = {
  leaseMs: 10_000,
  retryDelaysMs: [1_000, 5_000],
  maxAttempts: 3,
  intervalMs: 0,
};
const POLICY = {
  mode: 'enforce' as const,
  cooldownSeconds: 0, // no cooldown: a second run would be free to issue a second verdict
  detectors: { excessive_downloads: { maxFiles: 5, maxBytes: 1_000_000, windowSeconds: 60 } },
};

/** The real detectors, with excessive_downloads throwing on its first `failures` calls. */
function flakyDetectors(failures: number): { detectors: Detector[]; calls: () => number } {
  let calls = 0;
  const detectors = DETECTORS.map((d) =>
    d.id !== 'excessive_downloads'
      ? d
      : {
          ...d,
          detect: (...args: Parameters<Detector['detect']>) => {
            if (++calls <= failures) throw new Error(`store hiccup #${calls}`);
            return d.detect(...args);
          },
        },
  );
  return { detectors, calls: () => calls };
}

describe.each(DIALECTS)('durable detection (%s)', (dialect) => {
  let t: TestApp;
  let device: FakeDevice;
  const runners: JobRunner[] = [];
  afterEach(async () => {
    for (const r of runners.splice(0)) await r.stop();
    await t?.close();
  });

  async function setup(failures: number) {
    const flaky = flakyDetectors(failures);
    t = await createTestApp({
      dialect,
      policy: POLICY,
      context: { detectors: flaky.detectors, detectionJobs: SETTINGS, publicMetrics: true },
    });
    device = await t.enroll();
    return flaky;
  }
  /** Another replica's runner over the same store. */
  function replica(detectors: readonly Detector[] = DETECTORS): JobRunner {
    const deps = {
      db: t.store.db,
      now: () => t.clock.now,
      hub: t.hub,
      verdictKeys: t.store.secrets.verdictKeys,
      metrics: createMetrics(),
      detectors,
    };
    const runner = startDetectionJobs(deps, SETTINGS, { warn: () => {}, error: () => {} });
    runners.push(runner);
    return runner;
  }
  const job = async (batchId: string) => (await findJob(t.store.db, DETECTION_JOB, `${device.id}:${batchId}`))!;
  const postBurst = async (count: number) => {
    const batch = fakeBatch(device.id, fakeDownloadBurst(count, t.clock.now), { sentAt: t.clock.now });
    const res = await t.post('/v1/signals', device, batch);
    expect(res.statusCode).toBe(200);
    return batch.batchId;
  };

  it('a batch detected inline has its verdict when the request returns and leaves no job behind', async () => {
    await setup(0);

    const batchId = await postBurst(8);

    expect((await t.findings()).map((f) => f.outcome)).toEqual(['verdict_issued']);
    expect(await findJob(t.store.db, DETECTION_JOB, `${device.id}:${batchId}`)).toBeUndefined();
  });

  it('detection that throws twice, then succeeds: the batch is acknowledged at once and yields exactly one finding and verdict', async () => {
    const flaky = await setup(2);
    const runner = replica(flaky.detectors);

    const batchId = await postBurst(8); // inline run: attempt 1 throws
    expect(await t.findings()).toHaveLength(0);
    expect(await job(batchId)).toMatchObject({ status: 'pending', attempts: 1, last_error: 'store hiccup #1' });

    await runner.tick(); // not due yet: the backoff holds it
    expect(flaky.calls()).toBe(1);
    t.clock.now += 1_200;
    await runner.tick(); // attempt 2 throws
    expect(await job(batchId)).toMatchObject({ status: 'pending', attempts: 2, last_error: 'store hiccup #2' });
    t.clock.now += 6_000;
    await runner.tick(); // attempt 3 succeeds

    expect(await job(batchId)).toMatchObject({ status: 'done', attempts: 3 });
    const findings = await t.findings();
    expect(findings.map((f) => [f.reason, f.outcome])).toEqual([['excessive_downloads', 'verdict_issued']]);
    expect(await t.verdicts()).toHaveLength(1);
    t.clock.now += 60_000;
    await runner.tick();
    expect(await t.findings()).toHaveLength(1);
  });

  it('detection that always throws ends failed after its attempts, shown on the dashboard and in /metrics', async () => {
    const flaky = await setup(Infinity);
    const runner = replica(flaky.detectors);

    const batchId = await postBurst(8);
    for (let i = 0; i < 5; i++) {
      t.clock.now += 10_000;
      await runner.tick();
    }

    expect(flaky.calls()).toBe(SETTINGS.maxAttempts);
    expect(await job(batchId)).toMatchObject({ status: 'failed', attempts: 3, last_error: 'store hiccup #3' });
    expect(await t.findings()).toHaveLength(0);
    const session = await signIn(t.app, t.store.db);
    const page = await t.app.inject({ method: 'GET', url: '/', headers: { cookie: session.cookie } });
    expect(page.body).toMatch(/<h2>Detection failed<\/h2><p class="figure" id="detection-failed">1<\/p>/);
    expect(page.body).toContain('jobs list --kind detection.batch');
    // /metrics reads the gauge from the store, so every replica reports it; this one counted its inline try.
    const metrics = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/^sg_detection_jobs_failed 1$/m);
    expect(metrics.body).toMatch(/^sg_detection_jobs_pending 0$/m);
    expect(metrics.body).toMatch(/^sg_detection_batches_total\{result="retry"\} 1$/m);
  });

  it('a batch left claimed by a dead process is detected once, by one of two replicas, after its lease runs out', async () => {
    await setup(0);
    const batchId = await storeLikeDeadProcess(8);
    const [a, b] = [replica(), replica()];

    await Promise.all([a.tick(), b.tick()]); // the lease still holds
    expect(await job(batchId)).toMatchObject({ status: 'pending', attempts: 1 });
    expect(await t.findings()).toHaveLength(0);

    t.clock.now += SETTINGS.leaseMs + 1;
    await Promise.all([a.tick(), b.tick()]);

    expect(await job(batchId)).toMatchObject({ status: 'done', attempts: 2 });
    expect((await t.findings()).map((f) => f.outcome)).toEqual(['verdict_issued']);
    expect(await t.verdicts()).toHaveLength(1);
  });

  it('a process that died after writing the findings, before settling the job: the re-run adds nothing', async () => {
    await setup(0);
    const batchId = await storeLikeDeadProcess(8, true);
    expect(await t.findings()).toHaveLength(1);

    t.clock.now += SETTINGS.leaseMs + 1;
    await replica().tick();

    expect(await job(batchId)).toMatchObject({ status: 'done', attempts: 2 });
    expect(await t.findings()).toHaveLength(1);
    expect(await t.verdicts()).toHaveLength(1);
  });

  /** What POST /v1/signals commits before detection (signals + claimed job), then nothing: kill -9. */
  async function storeLikeDeadProcess(count: number, detectFirst = false): Promise<string> {
    const batch = fakeBatch(device.id, fakeDownloadBurst(count, t.clock.now), { sentAt: t.clock.now });
    const rows = batch.signals.map((s) => signalRow(s, device.id, batch.batchId, t.clock.now, '127.0.0.1'));
    await t.store.db.transaction().execute(async (trx) => {
      const inserted = await insertSignals(trx, rows);
      const payload = { deviceId: device.id, batchId: batch.batchId, signalIds: [...inserted], sourceIp: '127.0.0.1' };
      expect(await enqueueClaimedDetection(trx, payload, t.clock.now, SETTINGS)).not.toBeNull();
    });
    if (detectFirst) {
      const deps = { db: t.store.db, now: () => t.clock.now, hub: t.hub, verdictKeys: t.store.secrets.verdictKeys };
      const input = { device: { id: device.id, userId: null }, signals: batch.signals, sourceIp: '127.0.0.1' };
      await runDetection(deps, { ...input, batchId: batch.batchId });
    }
    return batch.batchId;
  }
});
