/**
 * The one Retry-After parser (RFC 9110 §10.2.3): delay-seconds or an HTTP date, as a
 * delay in ms from `now`. Absent or unreadable is `null`, never a guess: the job queue
 * then waits its own backoff (backoff.ts), the single default for every caller.
 */
export function retryAfterMs(header: string | null | undefined, now: number = Date.now()): number | null {
  const value = header?.trim();
  if (!value) return null;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - now) : null;
}
