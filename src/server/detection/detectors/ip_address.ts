/**
 * ip_address: a report from outside the org's trusted networks, when the policy asks for
 * trusted networks only (the detector enabled and `trustedCidrs` non-empty; enabled with
 * no CIDRs it cannot tell trusted from untrusted and stays silent). The source address is
 * the socket's, or X-Forwarded-For only behind a trusted proxy (SESSION_GUARD_TRUST_PROXY).
 * Moving between trusted networks (office, VPN, home office ranges) is never a finding.
 * Like tor, only a report about a Slack session counts (before one there is nothing to end).
 */
import { defineDetector } from '../define-detector';
import { canonicalIp, inCidrs } from '../net/ip';

export default defineDetector({
  id: 'ip_address',
  title: 'Slack used from an untrusted network',
  severity: 'medium',
  attack: ['T1078', 'T1550.004'],
  runbook:
    'Check whether the user is travelling or working from a network that should be added to trustedCidrs. ' +
    'If not, treat the session as stolen: reset their Slack sessions and review the audit log.',
  lookbackMs: () => 0,
  detect(_state, event, policy) {
    const cidrs = policy.trustedCidrs;
    if (cidrs.length === 0 || !event.sourceIp || !event.signal.sessionKey) return null;
    const ip = canonicalIp(event.sourceIp);
    if (!ip || inCidrs(ip, cidrs)) return null;
    return {
      summary: `source address ${ip} is outside the trusted networks (${cidrs.join(', ')})`,
      evidence: { sourceIp: ip, trustedCidrs: cidrs },
    };
  },
});
