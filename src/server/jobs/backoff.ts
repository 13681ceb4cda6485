/**
 * When a failed job runs again (issue #11): the handler's schedule of delays (attempt n
 * waits `delays[n-1]`, the last delay repeating), spread by ±10 % jitter so jobs that
 * failed together do not retry together, and never sooner than the other side's
 * Retry-After. One copy for every kind of job.
 */

/** The default schedule: a few quick tries, then patience (≈ 1.5 h in all over 7 retries). */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [1, 5, 30, 120, 600, 1800, 3600].map((s) => s * 1000);

export const JITTER = 0.1;

/** The delay before attempt `attempt + 1`, jittered by `random()` in [0, 1). */
export function backoffMs(attempt: number, delays: readonly number[], random: () => number = Math.random): number {
  const schedule = delays.length > 0 ? delays : DEFAULT_RETRY_DELAYS_MS;
  const base = schedule[Math.min(Math.max(attempt, 1), schedule.length) - 1] ?? 0;
  return Math.round(base * (1 - JITTER + random() * 2 * JITTER));
}

/** When attempt `attempt + 1` may start: after the backoff and after Retry-After, whichever is later. */
export function retryAt(
  now: number,
  attempt: number,
  delays: readonly number[],
  retryAfterMs?: number | null,
  random?: () => number,
): number {
  return now + Math.max(backoffMs(attempt, delays, random), retryAfterMs ?? 0);
}
