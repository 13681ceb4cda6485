/**
 * The durable job queue's contract (issue #11; docs/jobs.md). Work that must happen
 * eventually, exactly once per key, on whichever replica gets to it — a webhook delivery,
 * a Slack revocation, an audit-log entry — is a row in `jobs`, enqueued idempotently by
 * (kind, key) and run by a handler registered under its kind (runner.ts). A handler says
 * how it went: done; retry (after the backoff, or later if the other side said
 * Retry-After); give up. Retries are bounded by `maxAttempts`; a job that runs out is kept
 * as `failed` (listJobs) for an admin to see. Recurring work reschedules itself.
 */
import { insertJob, type JobRow } from '../db/jobs.repository';
import type { Db } from '../db/schema';

export type JobOutcome =
  | { status: 'done' }
  | {
      status: 'retry';
      error: string;
      retryAfterMs?: number;
      /** exact time chosen with `job.retryAt` */ runAt?: number;
    }
  | { status: 'give_up'; error: string }
  /** Recurring work (the audit-log poll): pending again at `runAt`, attempts reset, payload replaced if given. */
  | { status: 'reschedule'; runAt: number; payload?: unknown };

export interface JobRun {
  id: string;
  kind: string;
  key: string;
  /** 1 on the first run. */
  attempt: number;
  maxAttempts: number;
  /** True when a `retry` now would end the job as `failed`. */
  final: boolean;
  /** When a retry would run: the backoff for this attempt, no sooner than `retryAfterMs`. */
  retryAt(retryAfterMs?: number | null): number;
  /** Saves progress (a cursor) while still holding the lease; false when the lease was lost. */
  savePayload(db: Db, payload: unknown): Promise<boolean>;
}

export interface JobHandler<P = unknown> {
  kind: string;
  /** Runs (claims) before the job ends as `failed`; default: the retry schedule's length + 1. */
  maxAttempts?: number;
  /** Delay before attempt 2, 3, … (jittered ±10 %); default backoff.ts's schedule. */
  retryDelaysMs?: readonly number[];
  run(payload: P, job: JobRun): Promise<JobOutcome>;
}

/** Queues a job unless (kind, key) was queued before; true when inserted. Works in a transaction. */
export async function enqueueJob(
  db: Db,
  job: { kind: string; key: string; payload: unknown; runAt?: number },
  now: number,
): Promise<boolean> {
  if (!job.kind || !job.key) throw new Error('a job needs a kind and a key');
  return insertJob(db, job, now);
}

/**
 * How long a finished job is kept (workers.ts prunes it after). Features dedupe on their
 * own records (a delivery per webhook and event, a revocation per verdict, an entry per
 * Slack id), so a pruned key cannot make their work run twice; a kind that relies on the
 * job alone for idempotency must not re-enqueue a key older than this.
 */
export const DONE_JOB_RETENTION_MS = 7 * 24 * 3600_000;

export type { JobRow };
export { findJob, listJobs } from '../db/jobs.repository';
