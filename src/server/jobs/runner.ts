/**
 * Runs the job queue's handlers (issue #11): each tick (its timer, `kick()` after
 * something was enqueued here, or a test's `tick()`) runs the optional `before` step
 * (a worker's scan that enqueues new work), claims a batch of due jobs of its kinds
 * with a lease, runs them concurrently and settles each by its outcome: done, retry at
 * backoff ± jitter (never before Retry-After), failed once out of attempts or given up,
 * or rescheduled. A handler that throws is a retry. A job claimed more than its handler
 * allows (its runners kept dying) ends as failed without running again.
 */
import type { FastifyBaseLogger } from 'fastify';
import { claimJobs, saveJobPayload, settleJob, type JobRow, type JobSettlement } from '../db/jobs.repository';
import type { Db } from '../db/schema';
import type { Metrics } from '../metrics';
import { DEFAULT_RETRY_DELAYS_MS, retryAt } from './backoff';
import { createLoop, type Loop } from './loop';
import type { JobHandler, JobOutcome, JobRun } from './queue';

export interface JobRunnerOptions {
  db: Db;
  now: () => number;
  log?: Pick<FastifyBaseLogger, 'warn' | 'error'>;
  metrics?: Metrics;
  handlers: JobHandler<any>[];
  /** Timer period; absent: no timer, ticks only when asked (tests). */
  intervalMs?: number;
  /** Runs first in every tick (enqueue what a scan finds). */
  before?: () => Promise<void>;
  /** Jobs claimed per pass (default 20); a full batch runs another pass at once. */
  batchSize?: number;
  /** How long a claim holds a job (default 2 min): a runner that dies frees it after this. */
  leaseMs?: number;
  /** Jitter source (tests pin it). */
  random?: () => number;
}

export type JobRunner = Loop;

export function createJobRunner(options: JobRunnerOptions): JobRunner {
  const { db, now } = options;
  const handlers = new Map(options.handlers.map((h) => [h.kind, h]));
  const batchSize = options.batchSize ?? 20;
  const leaseMs = options.leaseMs ?? 2 * 60_000;

  const delaysOf = (h: JobHandler<any>) => h.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  const maxOf = (h: JobHandler<any>) => h.maxAttempts ?? delaysOf(h).length + 1;

  function settlement(h: JobHandler<any>, job: JobRow, outcome: JobOutcome, at: number): JobSettlement {
    const attempt = Number(job.attempts);
    switch (outcome.status) {
      case 'done':
        return { status: 'done', runAt: at, error: null, now: at };
      case 'give_up':
        return { status: 'failed', runAt: at, error: outcome.error, now: at };
      case 'reschedule':
        return { status: 'pending', runAt: outcome.runAt, error: null, now: at, attempts: 0, payload: outcome.payload };
      case 'retry':
        if (attempt >= maxOf(h)) return { status: 'failed', runAt: at, error: outcome.error, now: at };
        return {
          status: 'pending',
          runAt: outcome.runAt ?? retryAt(at, attempt, delaysOf(h), outcome.retryAfterMs, options.random),
          error: outcome.error,
          now: at,
        };
    }
  }

  async function runOne(job: JobRow): Promise<void> {
    const h = handlers.get(job.kind)!;
    const token = job.locked_by!;
    const attempt = Number(job.attempts);
    let outcome: JobOutcome;
    if (attempt > maxOf(h)) {
      outcome = { status: 'give_up', error: job.last_error ?? `claimed ${attempt} times without finishing` };
    } else {
      const run: JobRun = {
        id: job.id,
        kind: job.kind,
        key: job.key,
        attempt,
        maxAttempts: maxOf(h),
        final: attempt >= maxOf(h),
        retryAt: (retryAfterMs) => retryAt(now(), attempt, delaysOf(h), retryAfterMs, options.random),
        savePayload: (tx, payload) => saveJobPayload(tx, job.id, token, payload, now()),
      };
      try {
        outcome = await h.run(JSON.parse(job.payload), run);
      } catch (error) {
        outcome = { status: 'retry', error: (error as Error).message ?? String(error) };
      }
    }
    const s = settlement(h, job, outcome, now());
    const held = await settleJob(db, job.id, token, s);
    const result = outcome.status === 'reschedule' ? 'rescheduled' : s.status === 'pending' ? 'retry' : s.status;
    options.metrics?.inc('sg_jobs_total', 'Background jobs run, by kind and result', { kind: job.kind, result });
    if (!held) options.log?.warn({ jobId: job.id, kind: job.kind }, 'job lease expired before it finished');
    else if (s.status === 'failed')
      options.log?.error({ jobId: job.id, kind: job.kind, attempt, error: s.error }, 'job failed for good');
  }

  return createLoop({
    intervalMs: options.intervalMs,
    onError: (error) => options.log?.error({ err: error }, 'job runner tick failed'),
    async run() {
      await options.before?.();
      const claimed = await claimJobs(db, { kinds: [...handlers.keys()], now: now(), leaseMs, limit: batchSize });
      await Promise.all(claimed.map((job) => runOne(job)));
      return claimed.length === batchSize;
    },
  });
}
