/**
 * Detection that is never lost (issue #17). A stored signal batch and its `detection.batch`
 * job are written in one transaction; the job is born claimed by the request that stored
 * the batch (a short lease), which runs detection inline at once, so a verdict is on its
 * way when the request returns, and deletes the job (one a batch is too many to keep a
 * week as `done`). When that inline run throws,
 * the job is left pending with a backoff; when the process dies before settling, the lease
 * runs out. Either way any replica's runner (started in workers.ts) runs it again, loading
 * the batch's signals from the store by id, a bounded number of times; then it ends
 * `failed`, counted on the dashboard's overview and in /metrics. Findings have ids derived
 * from (device, batch, detector) (engine.ts), so a run after a crash that followed the
 * findings' commit records nothing twice.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Signal } from '../../shared/protocol/signals';
import { findDevice } from '../db/devices';
import { countJobsByStatus, deleteClaimedJob, insertClaimedJob, settleJob } from '../db/jobs.repository';
import type { GroupCommit } from '../db/group-commit';
import type { Db } from '../db/schema';
import { retryAt } from '../jobs/backoff';
import type { JobHandler } from '../jobs/queue';
import { createJobRunner, type JobRunner } from '../jobs/runner';
import type { Metrics } from '../metrics';
import { runDetection, type EngineDeps } from './engine';

export const DETECTION_JOB = 'detection.batch';

export interface DetectionJobPayload {
  deviceId: string;
  batchId: string;
  /** The signals this batch stored (duplicates of earlier batches are not in it). */
  signalIds: string[];
  sourceIp: string | null;
}

export interface DetectionJobSettings {
  /** How long the storing request (or a runner) holds the job before another replica may take it. */
  leaseMs: number;
  /** Delays before attempt 2, 3, … (the inline run is attempt 1). */
  retryDelaysMs: readonly number[];
  /** Runs before the job ends `failed`, the inline one included. */
  maxAttempts: number;
  /** How often each replica looks for due detection jobs; 0: only when a test ticks. */
  intervalMs: number;
}

export const DEFAULT_DETECTION_JOBS: DetectionJobSettings = {
  leaseMs: 30_000,
  retryDelaysMs: [2_000, 10_000, 60_000, 300_000],
  maxAttempts: 5,
  intervalMs: 2_000,
};

const countBatch = (metrics: Metrics | undefined, result: 'ok' | 'retry' | 'failed') =>
  metrics?.inc('sg_detection_batches_total', 'Signal batches run through detection, by result', { result });

export interface ClaimedDetection {
  id: string;
  token: string;
}

/** In the transaction that stores the batch: its detection job, claimed by the caller. */
export async function enqueueClaimedDetection(
  trx: Db,
  payload: DetectionJobPayload,
  now: number,
  settings: DetectionJobSettings,
): Promise<ClaimedDetection | null> {
  const claim = { id: randomUUID(), token: randomUUID() };
  const job = { ...claim, kind: DETECTION_JOB, key: `${payload.deviceId}:${payload.batchId}`, payload };
  return (await insertClaimedJob(trx, { ...job, leaseMs: settings.leaseMs }, now)) ? claim : null;
}

/**
 * After the commit: runs the claimed job's detection inline and settles it (done, or
 * pending after the first backoff with the error). Never throws: the signals are stored
 * and acknowledged either way; the runner owns what is left.
 */
export async function runClaimedDetection(
  deps: Pick<EngineDeps, 'db' | 'now' | 'metrics'>,
  claim: ClaimedDetection,
  run: () => Promise<unknown>,
  settings: DetectionJobSettings,
  log?: Pick<FastifyBaseLogger, 'warn' | 'error'>,
  writes?: GroupCommit,
): Promise<boolean> {
  try {
    await run();
    countBatch(deps.metrics, 'ok');
    // One job a batch: finished inline (the usual case), it is deleted, not kept a week as
    // `done`; given the ingest's group commit, in a commit shared with other batches' writes.
    if (writes) await writes.run((trx) => deleteClaimedJob(trx, claim.id, claim.token));
    else await deleteClaimedJob(deps.db, claim.id, claim.token);
    deps.metrics?.inc('sg_jobs_total', 'Background jobs run', { kind: DETECTION_JOB, result: 'done' });
    return true;
  } catch (error) {
    const message = (error as Error)?.message ?? String(error);
    const final = settings.maxAttempts <= 1;
    log?.error({ err: error, jobId: claim.id }, final ? 'detection failed' : 'detection failed; will retry');
    countBatch(deps.metrics, final ? 'failed' : 'retry');
    const at = deps.now();
    await settleJob(deps.db, claim.id, claim.token, {
      status: final ? 'failed' : 'pending',
      runAt: final ? at : retryAt(at, 1, settings.retryDelaysMs),
      error: message,
      now: at,
    }).catch((e) => log?.error({ err: e, jobId: claim.id }, 'detection job could not be settled'));
    deps.metrics?.inc('sg_jobs_total', 'Background jobs run', {
      kind: DETECTION_JOB,
      result: final ? 'failed' : 'retry',
    });
    return false;
  }
}

async function loadSignals(db: Db, deviceId: string, ids: readonly string[]): Promise<Signal[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('signals')
    .select('data')
    .where('device_id', '=', deviceId)
    .where('id', 'in', [...ids])
    .execute();
  return rows.map((r) => JSON.parse(r.data) as Signal);
}

/** The handler any replica's runner uses for a batch whose inline detection did not finish. */
export function detectionJobHandler(deps: EngineDeps, settings: DetectionJobSettings): JobHandler<DetectionJobPayload> {
  return {
    kind: DETECTION_JOB,
    maxAttempts: settings.maxAttempts,
    retryDelaysMs: settings.retryDelaysMs,
    async run(payload, job) {
      const device = await findDevice(deps.db, payload.deviceId);
      if (!device) return { status: 'done' }; // deleted since: nobody left to detect about
      const signals = await loadSignals(deps.db, device.id, payload.signalIds);
      try {
        await runDetection(deps, {
          device: { id: device.id, userId: device.user_id, verifiedUserId: device.verified_user_id ?? null },
          signals,
          sourceIp: payload.sourceIp,
          batchId: payload.batchId,
        });
      } catch (error) {
        countBatch(deps.metrics, job.final ? 'failed' : 'retry');
        return { status: 'retry', error: (error as Error)?.message ?? String(error) };
      }
      countBatch(deps.metrics, 'ok');
      return { status: 'done' };
    },
  };
}

/** This replica's runner of detection jobs (workers.ts). */
export function startDetectionJobs(
  deps: EngineDeps,
  settings: DetectionJobSettings,
  log: Pick<FastifyBaseLogger, 'warn' | 'error'>,
): JobRunner {
  return createJobRunner({
    db: deps.db,
    now: deps.now,
    log,
    metrics: deps.metrics,
    handlers: [detectionJobHandler(deps, settings)],
    leaseMs: settings.leaseMs,
    ...(settings.intervalMs > 0 ? { intervalMs: settings.intervalMs } : {}),
  });
}

/** Detection jobs by status: `failed` ones are batches detection gave up on. */
export async function detectionJobCounts(db: Db): Promise<{ pending: number; failed: number }> {
  const counts = await countJobsByStatus(db, DETECTION_JOB);
  return { pending: counts.pending ?? 0, failed: counts.failed ?? 0 };
}
