/**
 * unexpected_api_call_volume: Slack web API calls per method per minute above the org
 * limit, the shape of scraping through a hijacked session (bulk conversations.history,
 * files.list, search.*, users.list). The extension counts calls per method in short
 * windows (`api_calls` signals); the rate for an event is the number of calls to its
 * method in the minute ending where the event's window ends: every window of that method
 * counts in proportion to how much of it lies in that minute (all of it for the short
 * windows the extension sends, a share of a longer one, as if its calls were spread evenly).
 */
import { defineDetector, type ApiCallRecord } from '../define-detector';

export const RATE_WINDOW_MS = 60_000;

export default defineDetector({
  id: 'unexpected_api_call_volume',
  title: 'Unexpected Slack API call volume',
  severity: 'medium',
  attack: ['T1213', 'T1119'],
  runbook:
    'Look at which API method was called and by which device. Bulk conversations.history, search or users.list ' +
    'calls from a browser are scraping: reset the user\u2019s Slack sessions and review what was read.',
  // Windows are at most an hour long; a minute's worth of them can start that much earlier.
  lookbackMs: () => RATE_WINDOW_MS + 3_600_000,
  detect(state, event, policy) {
    const signal = event.signal;
    if (signal.type !== 'api_calls') return null;
    const limit = policy.detectors.unexpected_api_call_volume.maxCallsPerMinute;
    const end = signal.windowStart + signal.windowMs;
    const start = end - RATE_WINDOW_MS;
    const inMinute = (r: Omit<ApiCallRecord, 'id' | 'method'>) => {
      const overlap = Math.min(r.windowStart + r.windowMs, end) - Math.max(r.windowStart, start);
      return overlap <= 0 ? 0 : r.count * Math.min(1, overlap / r.windowMs);
    };
    const others = state.apiCalls.filter((r) => r.id !== signal.id && r.method === signal.method);
    const calls = Math.round(inMinute(signal) + others.reduce((sum, r) => sum + inMinute(r), 0));
    if (calls <= limit) return null;
    return {
      summary: `${calls} calls to ${signal.method} in one minute (limit ${limit})`,
      evidence: { method: signal.method, callsPerMinute: calls, maxCallsPerMinute: limit, windowEnd: end },
    };
  },
});
