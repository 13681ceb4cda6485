/**
 * SET delivery as a worker (issue #12), started by the composition root (workers.ts): a
 * job runner for `ssf_delivery` whose every tick first queues what recent verdicts and
 * findings call for (enqueue.ts). Every replica may run it: enqueueing is keyed, claiming
 * is leased (src/server/jobs/).
 */
import type { FastifyBaseLogger } from 'fastify';
import type { AppContext } from '../app-context';
import { createJobRunner, type JobRunner } from '../jobs/runner';
import { ssfDeliveryHandler } from './delivery';
import { enqueueSsfEvents } from './enqueue';

type SsfWorkerContext = Pick<AppContext, 'db' | 'now' | 'metrics' | 'ssf'>;

/** The runner, or null without `--public-url` (no issuer) or with `intervalMs: 0` (tests drive their own). */
export function startSsf(ctx: SsfWorkerContext, log: FastifyBaseLogger): JobRunner | null {
  const ssf = ctx.ssf;
  if (!ssf?.issuer || ssf.intervalMs === 0) return null;
  const handler = ssfDeliveryHandler({
    db: ctx.db,
    now: ctx.now,
    key: ssf.key,
    issuer: ssf.issuer,
    targets: ssf.targets,
    ...(ssf.retryDelaysMs ? { retryDelaysMs: ssf.retryDelaysMs } : {}),
  });
  return createJobRunner({
    db: ctx.db,
    now: ctx.now,
    log: log.child({ component: 'ssf' }),
    metrics: ctx.metrics,
    handlers: [handler],
    intervalMs: ssf.intervalMs ?? 2000,
    before: async () => void (await enqueueSsfEvents(ctx.db, ctx.now())),
  });
}
