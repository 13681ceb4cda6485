/**
 * Ending sessions at Slack when a verdict is issued (issue #7). Each tick (and at once
 * when this replica issues a verdict) it reads the verdicts of the last minutes from the
 * store, so one issued by any replica is seen, and makes one job per verdict (unique in
 * the store: idempotent across ticks, restarts and replicas) with the mode the verdict's
 * own policy version asked for. Due jobs are claimed, run (revocation-run.ts) and, when
 * Slack fails, retried on a backoff schedule; 429 waits exactly Retry-After. Slack's
 * refusals (`feature_not_enabled`, `cannot_reset_primary_owner`, `invalid_auth`, …) end the
 * job as `failed` with the code in its timeline, for the admin API and the dashboard.
 */
import { parseOrgPolicy } from '../../shared/policy/org-policy';
import {
  appendRevocationEvent,
  claimDueRevocations,
  insertRevocation,
  policyDocument,
  updateRevocation,
  verdictsWithoutJob,
  type RevocationRow,
} from '../db/slack-revocations.repository';
import { findVerdict } from '../db/verdicts.repository';
import type { SlackContext } from './context';
import { PermanentError, runRevocation, verdictUser } from './revocation-run';
import { SlackCallError } from './web-api';

export interface RevocationWorker {
  kick(): void;
  /** One pass, awaited (tests). */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

export interface RevocationOptions {
  retryDelaysMs: readonly number[];
  /** How far back each tick looks for verdicts without a job (late commits, other replicas). */
  lookbackMs?: number;
  intervalMs?: number;
  /** False: no timer, ticks only when asked (tests). */
  timer?: boolean;
}

const LOCK_MS = 2 * 60_000;

async function modeOf(sc: SlackContext, version: number, cache: Map<number, string>): Promise<string> {
  const cached = cache.get(version);
  if (cached) return cached;
  const text = await policyDocument(sc.db, version);
  const parsed = text ? parseOrgPolicy(JSON.parse(text)) : null;
  const mode = parsed?.ok ? parsed.policy.serverSideRevocation : 'none';
  cache.set(version, mode);
  return mode;
}

export function createRevocationWorker(sc: SlackContext, options: RevocationOptions): RevocationWorker {
  const lookbackMs = options.lookbackMs ?? 15 * 60_000;
  const modes = new Map<number, string>();
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;

  async function enqueueNew(): Promise<void> {
    for (const verdict of await verdictsWithoutJob(sc.db, sc.now() - lookbackMs, 200)) {
      const mode = await modeOf(sc, Number(verdict.policy_version), modes);
      const now = sc.now();
      const status = mode === 'none' ? 'not_requested' : 'pending';
      const created = await insertRevocation(sc.db, {
        verdict_id: verdict.id,
        device_id: verdict.device_id,
        user_id: null,
        mode,
        status,
        attempts: 0,
        next_attempt_at: now,
        locked_until: 0,
        last_error: null,
        created_at: now,
        updated_at: now,
      });
      if (created && status === 'pending')
        await appendRevocationEvent(sc.db, verdict.id, now, 'queued', {
          mode,
          policyVersion: Number(verdict.policy_version),
        });
    }
  }

  async function work(job: RevocationRow): Promise<void> {
    const timeline = (kind: string, detail: Record<string, unknown>) =>
      appendRevocationEvent(sc.db, job.verdict_id, sc.now(), kind, detail);
    const attempts = job.attempts + 1;
    let userId: string | null = job.user_id;
    try {
      const verdict = await findVerdict(sc.db, job.verdict_id);
      if (!verdict) throw new PermanentError('unknown_verdict', 'the verdict is gone from the store');
      userId = await verdictUser(sc, verdict);
      if (!userId)
        throw new PermanentError(
          'no_verified_slack_user',
          'Slack has not vouched for the device’s user (Sign in with Slack), so no session is ended beyond the device',
        );
      await runRevocation(sc, job, verdict, userId, timeline);
      const now = sc.now();
      await updateRevocation(sc.db, job.verdict_id, {
        status: 'done',
        attempts,
        nextAttemptAt: now,
        lastError: null,
        userId,
        now,
      });
      await timeline('done', { mode: job.mode, userId, attempts });
      sc.metrics?.inc('sg_slack_revocations_total', 'Server-side revocations, by mode and result', {
        mode: job.mode,
        result: 'done',
      });
      sc.log?.info({ verdictId: job.verdict_id, mode: job.mode, userId }, 'slack sessions ended');
    } catch (error) {
      await fail(job, attempts, userId, error, timeline);
    }
  }

  async function fail(
    job: RevocationRow,
    attempts: number,
    userId: string | null,
    error: unknown,
    timeline: (k: string, d: Record<string, unknown>) => Promise<void>,
  ) {
    const now = sc.now();
    const slack = error instanceof SlackCallError ? error : null;
    const message = slack?.message ?? (error as Error).message;
    const code = slack?.code ?? (error instanceof PermanentError ? error.code : 'internal');
    if (slack?.code === 'ratelimited') {
      // Not a failure: Slack said when. The attempt is not counted.
      const next = now + Math.max(slack.retryAfterMs ?? 60_000, 1000);
      await updateRevocation(sc.db, job.verdict_id, {
        status: 'pending',
        attempts: job.attempts,
        nextAttemptAt: next,
        lastError: message,
        userId,
        now,
      });
      await timeline('retry', { error: code, retryAfterMs: slack.retryAfterMs, nextAttemptAt: next });
      return;
    }
    const retryable = slack ? slack.retryable || slack.code === 'not_connected' : !(error instanceof PermanentError);
    const delay = retryable ? options.retryDelaysMs[attempts - 1] : undefined;
    if (delay !== undefined) {
      const next = now + Math.round(delay * (0.9 + Math.random() * 0.2));
      await updateRevocation(sc.db, job.verdict_id, {
        status: 'pending',
        attempts,
        nextAttemptAt: next,
        lastError: message,
        userId,
        now,
      });
      await timeline('retry', { error: code, message, attempt: attempts, nextAttemptAt: next });
      sc.log?.warn({ verdictId: job.verdict_id, error: code, attempt: attempts }, 'slack revocation will be retried');
      return;
    }
    await updateRevocation(sc.db, job.verdict_id, {
      status: 'failed',
      attempts,
      nextAttemptAt: now,
      lastError: message,
      userId,
      now,
    });
    await timeline('failed', { error: code, message, attempts });
    sc.metrics?.inc('sg_slack_revocations_total', 'Server-side revocations, by mode and result', {
      mode: job.mode,
      result: 'failed',
    });
    sc.log?.error({ verdictId: job.verdict_id, error: code, attempts }, 'slack revocation failed');
  }

  async function tickOnce(): Promise<void> {
    await enqueueNew();
    for (const job of await claimDueRevocations(sc.db, sc.now(), LOCK_MS, 10)) await work(job);
    // Observable proof the queue was looked at (tests wait on it instead of sleeping).
    sc.metrics?.inc('sg_slack_revocation_ticks_total', 'Passes of the Slack revocation worker over its queue');
  }

  const tick = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await tickOnce();
        } catch (error) {
          if (!stopped) sc.log?.error({ err: error }, 'slack revocation tick failed');
        }
      } while (again && !stopped);
    })().finally(() => {
      running = null;
    });
    return running;
  };

  const timer = options.timer === false ? null : setInterval(() => void tick(), options.intervalMs ?? 1000);
  timer?.unref();
  return {
    kick: () => void setImmediate(() => void tick()),
    tick,
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
