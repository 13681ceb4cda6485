/**
 * The prune job (issue #16; docs/jobs.md): one recurring `retention.prune` job on the one
 * job queue, run by whichever replica claims it (the lease keeps it to one at a time, and
 * the deletes are safe to overlap anyway, prune.ts). Each run reads the current org
 * policy, so a retention change applies on the next run on every replica, prunes, counts
 * the rows in `sg_retention_pruned_rows_total{kind,table}`, and reschedules itself: soon
 * when a table had more past retention than one pass deletes, else after `periodMs`.
 * It never gives up; a failing run is retried on the backoff and its error kept on the job.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { AppContext } from '../app-context';
import { enqueueJob, type JobHandler } from '../jobs/queue';
import { createJobRunner, type JobRunner } from '../jobs/runner';
import { currentPolicy } from '../policy/policy-store';
import { pruneStore, type PruneOptions } from './prune';

export const PRUNE_JOB = 'retention.prune';
export const PRUNE_JOB_KEY = 'default';
/** How often the store is pruned when nothing is left over. */
export const PRUNE_PERIOD_MS = 15 * 60_000;
/** How soon the next pass runs when a pass stopped with rows left. */
export const PRUNE_CATCH_UP_MS = 5_000;

type PruneContext = Pick<AppContext, 'db' | 'now' | 'metrics'>;

export function pruneHandler(ctx: PruneContext, options: PruneOptions & { periodMs?: number } = {}): JobHandler {
  return {
    kind: PRUNE_JOB,
    maxAttempts: Number.MAX_SAFE_INTEGER,
    retryDelaysMs: [60_000, 5 * 60_000, PRUNE_PERIOD_MS],
    async run() {
      const { policy } = await currentPolicy(ctx.db, ctx.now());
      const result = await pruneStore(ctx.db, policy, ctx.now(), {
        ...options,
        onPruned: (rule, rows) => {
          ctx.metrics.counters.sg_retention_pruned_rows_total.inc({ kind: rule.kind, table: rule.table }, rows);
          options.onPruned?.(rule, rows);
        },
      });
      return {
        status: 'reschedule',
        runAt: ctx.now() + (result.more ? PRUNE_CATCH_UP_MS : (options.periodMs ?? PRUNE_PERIOD_MS)),
      };
    },
  };
}

/** Queues the one prune job (idempotent: every replica calls it, one row results). */
export const ensurePruneJob = (ctx: PruneContext) =>
  enqueueJob(ctx.db, { kind: PRUNE_JOB, key: PRUNE_JOB_KEY, payload: {} }, ctx.now());

/** The runner every replica starts (workers.ts); `intervalMs` is how often it looks for the due job. */
export function startRetention(
  ctx: PruneContext,
  log: Pick<FastifyBaseLogger, 'warn' | 'error'>,
  options: PruneOptions & { periodMs?: number; intervalMs?: number | null } = {},
): JobRunner {
  let ensured = false;
  return createJobRunner({
    db: ctx.db,
    now: ctx.now,
    log,
    metrics: ctx.metrics,
    handlers: [pruneHandler(ctx, options)],
    // null: no timer (tests tick it).
    ...(options.intervalMs === null ? {} : { intervalMs: options.intervalMs ?? 60_000 }),
    batchSize: 1,
    // Ten minutes of lease: a pass deletes at most maxChunks × chunkSize rows a table.
    leaseMs: 10 * 60_000,
    before: async () => {
      if (!ensured) ensured = (await ensurePruneJob(ctx), true);
    },
  });
}
