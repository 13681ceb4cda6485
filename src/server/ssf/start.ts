/**
 * Runs SET delivery while the app is up (issue #12): a job runner for `ssf_delivery`
 * whose every tick first queues what recent verdicts and findings call for (enqueue.ts).
 * Every replica may run it: enqueueing is keyed, claiming is leased (src/server/jobs/).
 */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context';
import { createJobRunner } from '../jobs/runner';
import { ssfDeliveryHandler } from './delivery';
import { enqueueSsfEvents } from './enqueue';

export function startSsf(app: FastifyInstance, ctx: AppContext): void {
  const ssf = ctx.ssf;
  // intervalMs 0: no runner in this process (tests drive their own).
  if (!ssf?.issuer || ssf.intervalMs === 0) return;
  const log = app.log.child({ component: 'ssf' });
  const handler = ssfDeliveryHandler({
    db: ctx.db,
    now: ctx.now,
    key: ssf.key,
    issuer: ssf.issuer,
    targets: ssf.targets,
    ...(ssf.retryDelaysMs ? { retryDelaysMs: ssf.retryDelaysMs } : {}),
  });
  let runner: ReturnType<typeof createJobRunner> | undefined;
  app.addHook('onReady', async () => {
    runner = createJobRunner({
      db: ctx.db,
      now: ctx.now,
      log,
      metrics: ctx.metrics,
      handlers: [handler],
      intervalMs: ssf.intervalMs ?? 2000,
      before: async () => void (await enqueueSsfEvents(ctx.db, ctx.now())),
    });
  });
  app.addHook('onClose', async () => runner?.stop());
}
