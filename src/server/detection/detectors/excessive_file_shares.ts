/**
 * excessive_file_shares: files shared into conversations or made public in a minute above
 * the org limit, the shape of exfiltration by share (public links to a file host, or
 * files posted into an external Slack Connect channel). Counted: `files.share` (the web
 * client's share), `files.sharedPublicURL` (a public link) and `files.remote.share`;
 * message forwards are not file shares. A person shares a handful a minute at most; the
 * default limit is 50.
 */
import { callsInMinute, type ApiMethodSet } from '../api-rate';
import { defineDetector } from '../define-detector';

export const METHODS: ApiMethodSet = {
  methods: ['files.share', 'files.sharedPublicURL', 'files.remote.share'],
  prefixes: [],
};

export default defineDetector({
  id: 'excessive_file_shares',
  title: 'Excessive Slack file shares',
  severity: 'high',
  attack: ['T1567', 'T1530'],
  runbook:
    'List the files shared or made public in Slack\u2019s audit log (file_shared, file_public_link_created). ' +
    'Revoke public links (files.revokePublicURL), reset the user\u2019s sessions, and review external channels.',
  lookbackMs: () => 60_000,
  detect(state, event, policy) {
    const signal = event.signal;
    if (signal.type !== 'api_calls' || !METHODS.methods.includes(signal.method)) return null;
    const limit = policy.detectors.excessive_file_shares.maxPerMinute;
    const calls = callsInMinute(state.apiCallCounts ?? [], METHODS, signal.at, signal);
    if (calls <= limit) return null;
    return {
      summary: `${calls} file shares or public links in one minute (limit ${limit})`,
      evidence: { sharesPerMinute: calls, maxPerMinute: limit, windowEnd: signal.at },
    };
  },
});
