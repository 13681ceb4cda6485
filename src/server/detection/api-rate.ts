/**
 * Counting calls to a set of Slack web API methods per minute, for the issue #14
 * detectors (message deletion, file shares, admin actions, scraping). The extension
 * reports each method's calls in windows of at most ten seconds (`api_calls`), so a
 * window counts in the minute its report (`at`, the window's end) falls in.
 */
import type { SignalOf } from '../../shared/protocol/signals';
import type { ApiCallCount } from './define-detector';

export const MINUTE_MS = 60_000;

/** Methods by exact name, or by prefix (`admin.`, `search.`). */
export interface ApiMethodSet {
  methods: readonly string[];
  prefixes: readonly string[];
}

export function inSet(set: ApiMethodSet, method: string): boolean {
  return set.methods.includes(method) || set.prefixes.some((p) => method.startsWith(p));
}

/** Calls to `set` with `end - 60 s < at <= end`, the event's own signal counted once. */
export function callsInMinute(
  records: readonly ApiCallCount[],
  set: ApiMethodSet,
  end: number,
  signal?: SignalOf<'api_calls'>,
): number {
  let calls = signal && inSet(set, signal.method) && signal.at <= end && signal.at > end - MINUTE_MS ? signal.count : 0;
  for (const r of records) {
    if (r.id === signal?.id || !inSet(set, r.method)) continue;
    if (r.at > end - MINUTE_MS && r.at <= end) calls += r.calls;
  }
  return calls;
}
