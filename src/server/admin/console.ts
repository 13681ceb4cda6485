/**
 * Wires the admin console into an app (issue #5): starts the webhook dispatcher (stopped
 * when the app closes), and observes the verdict hub so a verdict issued here is counted
 * by reason, pushed to open dashboards and handed to webhooks at once.
 */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context';
import { observeVerdicts } from '../events/observe-hub';
import { createWebhookDispatcher } from '../webhooks/dispatcher';

export function startAdminConsole(app: FastifyInstance, ctx: AppContext, options: { ownDispatcher: boolean }): void {
  if (options.ownDispatcher) {
    ctx.webhooks = createWebhookDispatcher({
      db: ctx.db,
      now: ctx.now,
      metrics: ctx.metrics,
      log: app.log,
      retryDelaysMs: ctx.webhookRetryDelaysMs,
      targets: ctx.webhookTargets,
    });
  }
  const webhooks = ctx.webhooks;
  app.addHook('onClose', async () => webhooks.stop());
  ctx.hub = observeVerdicts(ctx.hub, (reasons) => {
    for (const reason of reasons) ctx.metrics.counters.sg_verdicts_total.inc({ reason });
    ctx.adminEvents.nudge();
    ctx.webhooks.kick();
  });
}
