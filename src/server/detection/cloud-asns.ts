/**
 * Which AS numbers count as a hosting provider's for the asn detector's `cloud` check
 * (issue #14): the list shipped in cloud-asn-list.ts (edit it there, a name per number),
 * plus the policy's `detectors.asn.cloudAsns`, minus its `excludedAsns`.
 */
import { CLOUD_ASNS } from './cloud-asn-list';

export const SHIPPED_CLOUD_ASNS: ReadonlyMap<number, string> = new Map(CLOUD_ASNS);

/** The provider's name when `asn` is a hosting provider's under this policy, else null. */
export function cloudProvider(
  asn: number,
  added: readonly number[] = [],
  excluded: readonly number[] = [],
): string | null {
  if (excluded.includes(asn)) return null;
  return SHIPPED_CLOUD_ASNS.get(asn) ?? (added.includes(asn) ? 'a hosting provider (detectors.asn.cloudAsns)' : null);
}
