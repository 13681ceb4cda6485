/**
 * unexpected_admin_action: Slack admin methods (`admin.*`) at a volume no admin works at
 * (above `maxPerMinute`, default 60), or by a user who never used them before: once the
 * subject has API use on BASELINE_MIN_DAYS of the previous `baselineDays` days and no
 * admin call among it, their first admin call fires. Admins keep their baseline, so a
 * records export at their usual pace never fires; a thief in an admin's session who
 * resets sessions or lists every user at machine speed does.
 */
import { callsInMinute, type ApiMethodSet } from '../api-rate';
import { defineDetector } from '../define-detector';

export const METHODS: ApiMethodSet = { methods: [], prefixes: ['admin.'] };
export const BASELINE_MIN_DAYS = 3;

export default defineDetector({
  id: 'unexpected_admin_action',
  title: 'Unexpected Slack admin action',
  severity: 'high',
  attack: ['T1098', 'T1078.004'],
  runbook:
    'Ask the user whether they took these admin actions. If not, reset their Slack sessions, review the ' +
    'audit log for user, role and app changes since, and revert them.',
  lookbackMs: () => 60_000,
  detect(state, event, policy) {
    const signal = event.signal;
    if (signal.type !== 'api_calls' || !signal.method.startsWith('admin.')) return null;
    const { maxPerMinute } = policy.detectors.unexpected_admin_action;
    const calls = callsInMinute(state.apiCallCounts ?? [], METHODS, signal.at, signal);
    const baseline = state.adminBaseline ?? null;
    if (calls > maxPerMinute)
      return {
        summary: `${calls} Slack admin calls in one minute (limit ${maxPerMinute})`,
        evidence: { rule: 'volume', method: signal.method, adminCallsPerMinute: calls, maxPerMinute, baseline },
      };
    if (baseline && baseline.activeDays >= BASELINE_MIN_DAYS && baseline.adminCalls === 0)
      return {
        summary: `A first Slack admin call (${signal.method}) from a user with ${baseline.activeDays} days of API use and none of admin`,
        evidence: { rule: 'first_use', method: signal.method, adminCallsPerMinute: calls, baseline },
      };
    return null;
  },
});
