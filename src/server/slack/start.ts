/**
 * Wires the Slack integration into an app (issue #7), as the admin console wires webhooks:
 * starts its workers with the app's store, clock, logger and verdict keys, observes the
 * verdict hub so a verdict issued here is revoked at Slack without waiting for a tick,
 * and stops the workers when the app closes.
 */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context';
import { observeVerdicts } from '../events/observe-hub';

export function startSlack(app: FastifyInstance, ctx: AppContext): void {
  const slack = ctx.slack;
  if (!slack) return;
  ctx.hub = observeVerdicts(ctx.hub, () => slack.kick());
  const hub = () => ctx.hub;
  slack.start({
    db: ctx.db,
    now: ctx.now,
    // The connector issues verdicts through whatever the hub is by then (observers added later included).
    get hub() {
      return hub();
    },
    verdictKeys: ctx.verdictKeys,
    metrics: ctx.metrics,
    log: app.log.child({ component: 'slack' }),
    groups: ctx.groups ?? null,
  });
  app.addHook('onClose', async () => slack.stop());
}
