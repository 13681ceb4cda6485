/**
 * The backend's background work, built in one place and in one order (issue #11): the
 * webhook dispatcher first, then the verdict hub observed once (each verdict issued here
 * is counted, pushed to open dashboards, and handed to webhooks and Slack at once), then
 * the Slack workers, which issue verdicts through that observed hub, the guard_silenced
 * check, Shared Signals delivery, the pruning of finished jobs, and the runner that
 * resumes signal batches whose detection did not finish (issue #17). `stop()` stops them
 * in reverse order, awaiting the work in flight. Nothing is wired by changing a context
 * after it was built: buildApp (app.ts) makes its context from what this returns.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { AppContext } from './app-context';
import { DEFAULT_DETECTION_JOBS, startDetectionJobs } from './detection/detection-jobs';
import { observeVerdicts } from './events/observe-hub';
import { startRetention } from './retention/job';
import { startSilenceCheck } from './silence/start';
import type { SlackService } from './slack/service';
import { startSsf } from './ssf/start';
import type { VerdictHub } from './verdicts/hub';
import { createWebhookDispatcher, type WebhookDispatcher } from './webhooks/dispatcher';

export type WorkerContext = Omit<AppContext, 'webhooks'>;

export interface Workers {
  /** The app's hub, observed: what routes and detection publish verdicts through. */
  hub: VerdictHub;
  webhooks: WebhookDispatcher;
  slack: SlackService | null;
  stop(): Promise<void>;
}

export function startWorkers(
  ctx: WorkerContext,
  options: { log: FastifyBaseLogger; webhooks?: WebhookDispatcher },
): Workers {
  const webhooks =
    options.webhooks ??
    createWebhookDispatcher({
      db: ctx.db,
      now: ctx.now,
      metrics: ctx.metrics,
      log: options.log,
      retryDelaysMs: ctx.webhookRetryDelaysMs,
      targets: ctx.webhookTargets,
    });
  const slack = ctx.slack;
  const hub = observeVerdicts(ctx.hub, (reasons) => {
    for (const reason of reasons)
      ctx.metrics.inc('sg_verdicts_total', 'Verdicts issued by this replica, by reason', { reason });
    ctx.adminEvents.nudge();
    webhooks.kick();
    slack?.kick();
  });
  slack?.start({
    db: ctx.db,
    now: ctx.now,
    hub,
    verdictKeys: ctx.verdictKeys,
    metrics: ctx.metrics,
    log: options.log.child({ component: 'slack' }),
    groups: ctx.groups ?? null,
  });
  // Issue #16: every growing table pruned to the policy's retention (docs/scaling.md).
  const prune = startRetention(ctx, options.log.child({ component: 'retention' }));
  // A guard that goes quiet (issue #12) and Shared Signals delivery (issue #12).
  const silence = startSilenceCheck({ ...ctx, hub }, { log: options.log, recorded: () => webhooks.kick() });
  const ssf = startSsf(ctx, options.log);
  // Batches stored but not (yet) through detection: a failed inline run, or a replica that died.
  const detection = startDetectionJobs({ ...ctx, hub }, ctx.detectionJobs ?? DEFAULT_DETECTION_JOBS, options.log);
  return {
    hub,
    webhooks,
    slack,
    async stop() {
      await detection.stop();
      await ssf?.stop();
      await silence?.stop();
      await prune.stop();
      await slack?.stop();
      await webhooks.stop();
    },
  };
}
