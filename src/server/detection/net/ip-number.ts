/**
 * IP addresses as numbers, for range tables searched by bisection (the IP-to-ASN data set,
 * src/server/asn/): IPv4 as an unsigned 32-bit number, IPv6 as a 128-bit bigint. Both take
 * any text canonicalIp (ip.ts) accepts, so an IPv4-mapped IPv6 address is its IPv4 number.
 */
import { canonicalIp } from './ip';

export type IpNumber = { family: 4; value: number } | { family: 6; value: bigint };

/** The address as a number with its family, or null when the text is not an address. */
export function ipNumber(text: string): IpNumber | null {
  const ip = canonicalIp(text);
  if (!ip) return null;
  if (!ip.includes(':')) {
    const parts = ip.split('.').map(Number);
    if (parts.some((p) => p > 255)) return null;
    return { family: 4, value: ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]! };
  }
  return { family: 6, value: ipv6ToBigInt(ip) };
}

/** A canonical (compressed, lower-case) IPv6 address as a bigint; an embedded IPv4 tail is read too. */
function ipv6ToBigInt(ip: string): bigint {
  let text = ip;
  const v4 = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return groups.reduce((n: bigint, g: string) => (n << 16n) | BigInt(parseInt(g, 16)), 0n);
}
