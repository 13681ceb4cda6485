/**
 * One description of the IP-to-ASN data set for every place that shows it (GET
 * /api/asn-data, the dashboard overview, the startup banner): its own status, or
 * `unconfigured` when `serve` runs without `--asn-data` (then the asn detector matches
 * only addresses and CIDRs of its indicator list).
 */
import { humanAge } from '../tor/summary';
import type { AsnData, AsnDataStatus } from './asn-data';

export type AsnDataSummary = (AsnDataStatus & { status: string }) | { status: 'unconfigured'; stale: true; entries: 0 };

export function asnDataSummary(data: Pick<AsnData, 'status'> | null | undefined): AsnDataSummary {
  return data ? data.status() : { status: 'unconfigured', stale: true, entries: 0 };
}

/** "412345 ranges (71234 AS numbers), fresh (3 days old), from FILE" and the like, for humans. */
export function describeAsnData(summary: AsnDataSummary): string {
  if (summary.status === 'unconfigured')
    return 'off (--asn-data none); the asn detector matches only addresses and CIDRs of its indicator list';
  const s = summary as AsnDataStatus;
  if (s.status === 'loading') return `loading ${s.source} in the background; AS checks wait for it`;
  if (s.status === 'error') return `missing: ${s.error}; the asn detector cannot map addresses to AS numbers`;
  const age = s.ageSeconds === null ? '' : ` (${humanAge(s.ageSeconds)} old)`;
  const error = s.error ? `; last attempt failed: ${s.error}` : '';
  return `${s.entries} ranges (${s.asns} AS numbers), ${s.status}${age}, from ${s.source}${error}`;
}
