/**
 * unexpected_scraping: reading methods paged at a steady pace minute after minute, the
 * shape of an export tool walking channels, threads, members and search results through
 * a session (slackdump and the like pace themselves under Slack's rate limits, so
 * unexpected_api_call_volume's per-minute limit never sees them). Fires when each of the
 * last `minMinutes` minutes (default 3) held at least `minCallsPerMinute` (default 60)
 * calls to those methods together. A person's busiest search lasts well under a minute.
 */
import { callsInMinute, MINUTE_MS, type ApiMethodSet } from '../api-rate';
import { defineDetector } from '../define-detector';

export const METHODS: ApiMethodSet = {
  methods: [
    'conversations.history',
    'conversations.replies',
    'conversations.members',
    'conversations.list',
    'users.list',
    'files.list',
  ],
  prefixes: ['search.'],
};

export default defineDetector({
  id: 'unexpected_scraping',
  title: 'Unexpected Slack scraping',
  severity: 'high',
  attack: ['T1213', 'T1119', 'T1530'],
  runbook:
    'An export-tool pace of reads (history, replies, members, search) through the user\u2019s session. Reset ' +
    'their Slack sessions, find which conversations were read in the audit and access logs, and treat them as exposed.',
  lookbackMs: (policy) => policy.detectors.unexpected_scraping.minMinutes * MINUTE_MS,
  detect(state, event, policy) {
    const signal = event.signal;
    if (signal.type !== 'api_calls') return null;
    const { minCallsPerMinute, minMinutes } = policy.detectors.unexpected_scraping;
    const records = state.apiCallCounts ?? [];
    const perMinute: number[] = [];
    for (let i = 0; i < minMinutes; i++) {
      const calls = callsInMinute(records, METHODS, signal.at - i * MINUTE_MS, signal);
      if (calls < minCallsPerMinute) return null;
      perMinute.push(calls);
    }
    const methods = [...new Set(records.filter((r) => r.at > signal.at - minMinutes * MINUTE_MS).map((r) => r.method))];
    return {
      summary: `Reads at ${Math.min(...perMinute)}+ calls a minute for ${minMinutes} minutes (${methods.join(', ') || signal.method})`,
      evidence: {
        callsPerMinute: perMinute,
        minCallsPerMinute,
        minMinutes,
        methods: methods.sort(),
        windowEnd: signal.at,
      },
    };
  },
});
