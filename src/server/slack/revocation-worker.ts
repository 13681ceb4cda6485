/**
 * Ending sessions at Slack when a verdict is issued (issue #7), on the job queue (issue
 * #11). The scan reads the verdicts of the last minutes from the store, so one issued by
 * any replica is seen, and records one revocation per verdict (unique in the store:
 * idempotent across ticks, restarts and replicas) with the mode the verdict's own policy
 * version asked for (`auto` decided per verdict, auto-revocation.ts), plus a
 * `slack.revocation` job. The job runs it (revocation-run.ts);
 * when Slack fails it is retried on the backoff schedule, and a 429 waits Retry-After
 * without counting as an attempt. Slack's refusals (`feature_not_enabled`,
 * `cannot_reset_primary_owner`, `invalid_auth`, …) end it as `failed` with the code in its
 * timeline, for the admin API and the dashboard.
 */
import { parseOrgPolicy } from '../../shared/policy/org-policy';
import {
  appendRevocationEvent,
  findRevocation,
  insertRevocation,
  policyDocument,
  updateRevocation,
  verdictsWithoutJob,
  type RevocationRow,
} from '../db/slack-revocations.repository';
import { findVerdict } from '../db/verdicts.repository';
import { enqueueJob, type JobHandler, type JobOutcome, type JobRun } from '../jobs/queue';
import { resolveAuto } from './auto-revocation';
import type { SlackContext } from './context';
import { PermanentError, runRevocation, verdictUser, type Timeline } from './revocation-run';
import { SlackCallError } from './web-api';

export const SLACK_REVOCATION_JOB = 'slack.revocation';
/** Rate-limit waits a revocation may sit through besides its counted attempts. */
const RATE_LIMIT_WAITS = 20;

async function modeOf(sc: SlackContext, version: number, cache: Map<number, string>): Promise<string> {
  const cached = cache.get(version);
  if (cached) return cached;
  const text = await policyDocument(sc.db, version);
  const parsed = text ? parseOrgPolicy(JSON.parse(text)) : null;
  const mode = parsed?.ok ? parsed.policy.serverSideRevocation : 'none';
  cache.set(version, mode);
  return mode;
}

/** The scan: a record (and, when asked for, a job) for each recent verdict that has none. */
export function revocationScan(sc: SlackContext, lookbackMs = 15 * 60_000): () => Promise<void> {
  const modes = new Map<number, string>();
  return async () => {
    // Observable proof the queue is being looked at (tests wait on it instead of sleeping):
    // the scan runs before every pass of the revocation runner.
    sc.metrics?.inc('sg_slack_revocation_ticks_total', 'Passes of the Slack revocation worker over its queue');
    for (const verdict of await verdictsWithoutJob(sc.db, sc.now() - lookbackMs, 200)) {
      const requested = await modeOf(sc, Number(verdict.policy_version), modes);
      // `auto` (issue #12) is decided per verdict (auto-revocation.ts): `user` for a verified
      // user over a working Grid connection, else nothing at Slack.
      const auto = requested === 'auto' ? await resolveAuto(sc.db, await verdictUser(sc, verdict)) : null;
      const mode = auto?.mode ?? requested;
      const now = sc.now();
      const status = mode === 'none' ? 'not_requested' : 'pending';
      await sc.db.transaction().execute(async (trx) => {
        const created = await insertRevocation(trx, {
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
        if (created && auto && status !== 'pending')
          await appendRevocationEvent(trx, verdict.id, now, 'skipped', { requested, mode, why: auto.why });
        if (!created || status !== 'pending') return;
        await enqueueJob(trx, { kind: SLACK_REVOCATION_JOB, key: verdict.id, payload: { verdictId: verdict.id } }, now);
        await appendRevocationEvent(trx, verdict.id, now, 'queued', {
          mode,
          policyVersion: Number(verdict.policy_version),
          ...(auto ? { requested, why: auto.why } : {}),
        });
      });
    }
  };
}

export function revocationHandler(
  sc: SlackContext,
  options: { retryDelaysMs: readonly number[] },
): JobHandler<{ verdictId: string }> {
  const counted = (mode: string, result: string) =>
    sc.metrics?.inc('sg_slack_revocations_total', 'Server-side revocations, by mode and result', { mode, result });

  async function fail(
    row: RevocationRow,
    attempts: number,
    userId: string | null,
    error: unknown,
    timeline: Timeline,
    job: JobRun,
  ): Promise<JobOutcome> {
    const now = sc.now();
    const slack = error instanceof SlackCallError ? error : null;
    const message = slack?.message ?? (error as Error).message;
    const code = slack?.code ?? (error instanceof PermanentError ? error.code : 'internal');
    const update = (status: string, n: number, next: number) =>
      updateRevocation(sc.db, row.verdict_id, {
        status,
        attempts: n,
        nextAttemptAt: next,
        lastError: message,
        userId,
        now,
      });
    if (slack?.code === 'ratelimited' && !job.final) {
      // Not a failure: Slack said when. The attempt is not counted.
      const next = job.retryAt(slack.retryAfterMs);
      await update('pending', Number(row.attempts), next);
      await timeline('retry', { error: code, retryAfterMs: slack.retryAfterMs, nextAttemptAt: next });
      return { status: 'retry', error: message, runAt: next };
    }
    const retryable = slack ? slack.retryable || slack.code === 'not_connected' : !(error instanceof PermanentError);
    if (retryable && options.retryDelaysMs[attempts - 1] !== undefined && !job.final) {
      const next = job.retryAt();
      await update('pending', attempts, next);
      await timeline('retry', { error: code, message, attempt: attempts, nextAttemptAt: next });
      sc.log?.warn({ verdictId: row.verdict_id, error: code, attempt: attempts }, 'slack revocation will be retried');
      return { status: 'retry', error: message, runAt: next };
    }
    await update('failed', attempts, now);
    await timeline('failed', { error: code, message, attempts });
    counted(row.mode, 'failed');
    sc.log?.error({ verdictId: row.verdict_id, error: code, attempts }, 'slack revocation failed');
    return { status: 'give_up', error: message };
  }

  return {
    kind: SLACK_REVOCATION_JOB,
    retryDelaysMs: options.retryDelaysMs,
    maxAttempts: options.retryDelaysMs.length + 1 + RATE_LIMIT_WAITS,
    async run({ verdictId }, job) {
      const row = await findRevocation(sc.db, verdictId);
      if (!row || row.status !== 'pending') return { status: 'done' };
      const timeline: Timeline = (kind, detail) => appendRevocationEvent(sc.db, verdictId, sc.now(), kind, detail);
      const attempts = Number(row.attempts) + 1;
      let userId: string | null = row.user_id;
      try {
        const verdict = await findVerdict(sc.db, verdictId);
        if (!verdict) throw new PermanentError('unknown_verdict', 'the verdict is gone from the store');
        userId = await verdictUser(sc, verdict);
        if (!userId)
          throw new PermanentError(
            'no_verified_slack_user',
            'Slack has not vouched for the device’s user (Sign in with Slack), so no session is ended beyond the device',
          );
        await runRevocation(sc, row, verdict, userId, timeline);
      } catch (error) {
        return fail(row, attempts, userId, error, timeline, job);
      }
      const now = sc.now();
      await updateRevocation(sc.db, verdictId, {
        status: 'done',
        attempts,
        nextAttemptAt: now,
        lastError: null,
        userId,
        now,
      });
      await timeline('done', { mode: row.mode, userId, attempts });
      counted(row.mode, 'done');
      sc.log?.info({ verdictId, mode: row.mode, userId }, 'slack sessions ended');
      return { status: 'done' };
    },
  };
}
