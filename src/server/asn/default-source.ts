/**
 * Where the IP-to-ASN data set comes from: `--asn-data FILE|URL` or SESSION_GUARD_ASN_DATA.
 * Off unless set (`none`, `off` or empty are off too): unlike the Tor list there is no
 * default download, the data set is some 30 MB and an org picks its own mirror. Without
 * it the asn detector matches only addresses and CIDRs of its indicator list.
 */
const OFF = new Set(['none', 'off', '']);

/** The configured source, or undefined when the data set is off. */
export function asnDataSource(flag: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  const value = (flag ?? env.SESSION_GUARD_ASN_DATA ?? '').trim();
  return OFF.has(value.toLowerCase()) ? undefined : value;
}
