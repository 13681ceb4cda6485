/**
 * asn: Slack reached from an address on the org's indicator list (issue #14, AER's `asn`
 * with an IOC list): addresses and CIDRs from `detectors.asn.iocList` (ioc-list.ts).
 * Like tor, only a report about a Slack session counts. AS numbers on the list, `cloud`
 * (hosting providers) and `newAsnAfterDays` need the IP-to-ASN data set, a later step:
 * until then they match nothing and the evidence says so.
 */
import { defineDetector } from '../define-detector';
import { canonicalIp, inCidrs } from '../net/ip';

export default defineDetector({
  id: 'asn',
  title: 'Slack used from a listed network',
  severity: 'high',
  attack: ['T1078', 'T1550.004', 'T1090'],
  runbook:
    'The address is on your indicator list. Reset the user\u2019s Slack sessions, check the audit log for what ' +
    'the session did from there, and look for the same address on other users.',
  lookbackMs: () => 0,
  detect(state, event) {
    const list = state.iocList ?? null;
    if (!list || !event.sourceIp || !event.signal.sessionKey) return null;
    const ip = canonicalIp(event.sourceIp);
    if (!ip || !inCidrs(ip, list.cidrs)) return null;
    return {
      summary: `source address ${ip} is on the indicator list ${list.source}`,
      evidence: {
        sourceIp: ip,
        list: list.source,
        listEntries: list.cidrs.length + list.asns.length,
        asnMatching: 'unavailable: no IP-to-ASN data set yet',
      },
    };
  },
});
