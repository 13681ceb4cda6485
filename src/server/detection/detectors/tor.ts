/**
 * tor: the report's source address is a Tor exit. The exit list is loaded and refreshed
 * outside the detector (src/server/tor/); the engine hands over the view current when the
 * batch arrived. A hit on a stale list still counts (exits seldom stop being exits within
 * days) and the evidence says how old the list was; a missing or empty list means this
 * detector cannot fire, which /readyz and GET /api/tor-exit-list report, never silently.
 * The source address is the socket's, or X-Forwarded-For only behind a trusted proxy
 * (SESSION_GUARD_TRUST_PROXY). Only a report about a Slack session counts: before there
 * is one there is nothing to end, and a verdict then would only start the cooldown.
 */
import { defineDetector } from '../define-detector';
import { canonicalIp } from '../net/ip';

export default defineDetector({
  id: 'tor',
  title: 'Slack reached through a Tor exit node',
  severity: 'high',
  attack: ['T1090.003', 'T1550.004'],
  runbook:
    'Tor is rarely used for work Slack. Ask the user whether they run Tor; if not, treat the session as stolen: ' +
    'reset their Slack sessions (admin.users.session.reset), rotate their password and review the audit log.',
  lookbackMs: () => 0,
  detect(state, event) {
    const list = state.torExitList;
    if (!list || !event.sourceIp || !event.signal.sessionKey) return null;
    const ip = canonicalIp(event.sourceIp);
    if (!ip || !list.addresses.has(ip)) return null;
    return {
      summary: `source address ${ip} is a Tor exit (list of ${list.addresses.size} addresses, ${list.status}, ${Math.round(list.ageSeconds / 3600)} h old)`,
      evidence: {
        sourceIp: ip,
        listSource: list.source,
        listEntries: list.addresses.size,
        listStatus: list.status,
        listAsOf: list.asOf,
        listAgeSeconds: list.ageSeconds,
      },
    };
  },
});
