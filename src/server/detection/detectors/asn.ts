/**
 * asn: Slack reached from an unusual network (issue #14, AER's `asn` / `ip_address` with
 * `ip_address_details`). The report's address is mapped to its AS with the IP-to-ASN data
 * set (asn/, `serve --asn-data`) and the finding names each match as Slack does:
 * `in-ioc-list` (the address, a CIDR or the AS on `iocList`), `cloud-asn` (a hosting
 * provider's AS: detection/cloud-asn-list.ts plus `cloudAsns`, when `cloud` is on) and
 * `new-asn` (an AS the verified user never used, once their history is `newAsnAfterDays`
 * old; an unverified device has no history, as a claim reaches nothing). `excludedAsns`
 * are never cloud nor new. Without the data set only addresses and CIDRs match, and the
 * evidence says the AS checks are unavailable. Like tor, only a report about a session counts.
 */
import { asnNumbers } from '../../../shared/policy/org-policy';
import { cloudProvider } from '../cloud-asns';
import { defineDetector } from '../define-detector';
import { canonicalIp, inCidrs } from '../net/ip';

const DAY_MS = 86_400_000;

export default defineDetector({
  id: 'asn',
  title: 'Slack used from a listed network',
  severity: 'high',
  attack: ['T1078', 'T1550.004', 'T1090'],
  runbook:
    'The session was used from a network that is on your indicator list, belongs to a hosting provider, or is new ' +
    'for this user. Ask the user whether they were on a VPN or travelling; if not, reset their Slack sessions, check ' +
    'the audit log for what the session did from there, and look for the same network on other users.',
  lookbackMs: () => 0,
  detect(state, event, policy) {
    const ip = event.sourceIp ? canonicalIp(event.sourceIp) : null;
    if (!ip || !event.signal.sessionKey) return null;
    const config = policy.detectors.asn;
    const list = state.iocList ?? null;
    const data = state.asnData ?? null;
    const record = data?.lookup(ip) ?? null;
    const excluded = asnNumbers(config.excludedAsns);
    const details: string[] = [];

    if (list && (inCidrs(ip, list.cidrs) || (record && list.asns.includes(record.asn)))) details.push('in-ioc-list');
    const provider = record && config.cloud ? cloudProvider(record.asn, asnNumbers(config.cloudAsns), excluded) : null;
    if (provider) details.push('cloud-asn');
    const history = state.asnHistory ?? null;
    const learnedAt =
      history?.since === null || history === null ? null : history.since + config.newAsnAfterDays * DAY_MS;
    const isNew =
      record !== null &&
      state.userId !== null &&
      learnedAt !== null &&
      event.receivedAt >= learnedAt &&
      !history!.known.includes(record.asn) &&
      !excluded.includes(record.asn);
    if (isNew) details.push('new-asn');
    if (details.length === 0) return null;

    const network = record ? `AS${record.asn} ${record.holder}`.trim() : 'an unknown AS';
    return {
      summary: `source address ${ip} (${network}): ${details.join(', ')}`,
      evidence: {
        sourceIp: ip,
        ipAddressDetails: details,
        ...(record ? { asn: record.asn, asnHolder: record.holder, asnCountry: record.country } : {}),
        ...(provider ? { cloudProvider: provider } : {}),
        ...(isNew ? { learningSince: history!.since, newAsnAfterDays: config.newAsnAfterDays } : {}),
        ...(list ? { list: list.source, listEntries: list.cidrs.length + list.asns.length } : {}),
        ...(data
          ? { asnData: { source: data.source, status: data.status, ageSeconds: data.ageSeconds } }
          : { asnMatching: 'unavailable: no IP-to-ASN data set (serve --asn-data)' }),
      },
    };
  },
});
