/**
 * What a refused enrollment means for the extension (issue #10), read from the backend's
 * stable error code: `device_pending` — enrolled, waiting for an administrator, retry
 * calmly; `device_rejected` / `device_revoked` — stop; 429 — come back after
 * `Retry-After`; anything else — retry with the usual backoff.
 */
import { ENROLLMENT_REFUSALS } from '@/src/shared/protocol/enrollment';

/** The backend holds this device as pending until an administrator approves it. */
export class PendingApprovalError extends Error {
  constructor() {
    super('waiting for your administrator’s approval');
  }
}

/** The backend asked us to wait (rate limit); `retryAfterMs` says how long. */
export class RetryLaterError extends Error {
  constructor(readonly retryAfterMs: number) {
    super(`the server is busy enrolling browsers; retrying in ${Math.round(retryAfterMs / 1000)} s`);
  }
}

export type Refusal = { kind: 'pending' } | { kind: 'stop'; rejected: boolean } | { kind: 'later'; ms: number } | null;

const MAX_RETRY_AFTER_MS = 3600_000;

export async function readRefusal(response: Response): Promise<Refusal> {
  if (response.status === 429) {
    const seconds = Number(response.headers.get('retry-after'));
    return {
      kind: 'later',
      ms: Math.min(MAX_RETRY_AFTER_MS, Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 60_000),
    };
  }
  if (response.status !== 403) return null;
  let code: unknown;
  try {
    code = ((await response.clone().json()) as { error?: unknown }).error;
  } catch {
    code = undefined;
  }
  if (code === ENROLLMENT_REFUSALS.pending.code) return { kind: 'pending' };
  return { kind: 'stop', rejected: code === ENROLLMENT_REFUSALS.rejected.code };
}

/**
 * Between two enrollment attempts while pending: the policy's check-in interval
 * (`pollIntervalSeconds`) when it sets one, else 2 to 4 minutes, so an office behind
 * one address stays under the per-address rate limit.
 */
export function pendingRetryDelay(random: () => number = Math.random, pollIntervalSeconds?: number): number {
  if (pollIntervalSeconds) return pollIntervalSeconds * 1000;
  return Math.round(120_000 + random() * 120_000);
}
