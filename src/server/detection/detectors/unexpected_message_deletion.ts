/**
 * unexpected_message_deletion: `chat.delete` calls in a minute above the org limit, the
 * shape of a thief or a disgruntled insider wiping history through a session. A person
 * deleting their own messages by hand, even a bulk clean-up of a few dozen, stays far
 * below: the default limit, 100 a minute, is above any hand's pace and below the tools'
 * (Slack rates chat.delete at Tier 3, 50+ a minute, and tools run at that ceiling).
 */
import { callsInMinute, type ApiMethodSet } from '../api-rate';
import { defineDetector } from '../define-detector';

export const METHODS: ApiMethodSet = { methods: ['chat.delete', 'chat.deleteScheduledMessage'], prefixes: [] };

export default defineDetector({
  id: 'unexpected_message_deletion',
  title: 'Unexpected Slack message deletion',
  severity: 'high',
  attack: ['T1485', 'T1070'],
  runbook:
    'Check who deleted what in Slack\u2019s audit log and whether the user did it. If not, reset their Slack ' +
    'sessions and restore what the retention policy still holds (Slack Enterprise: export or legal hold).',
  lookbackMs: () => 60_000,
  detect(state, event, policy) {
    const signal = event.signal;
    if (signal.type !== 'api_calls' || !METHODS.methods.includes(signal.method)) return null;
    const limit = policy.detectors.unexpected_message_deletion.maxPerMinute;
    const calls = callsInMinute(state.apiCallCounts ?? [], METHODS, signal.at, signal);
    if (calls <= limit) return null;
    return {
      summary: `${calls} messages deleted in one minute (limit ${limit})`,
      evidence: { deletionsPerMinute: calls, maxPerMinute: limit, windowEnd: signal.at },
    };
  },
});
