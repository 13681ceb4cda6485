/**
 * The address block a dashboard sign-in attempt is counted against (issue #10): the /24
 * of an IPv4 address, the /64 of an IPv6 one (what one subscriber or one cloud host
 * usually holds), so hopping between neighbouring addresses gains a guesser nothing. An
 * IPv4-mapped IPv6 address counts as its IPv4 address.
 */
import { isIP } from 'node:net';
import { canonicalIp } from '../detection/net/ip';
import { ipv6Words } from '../http/ipv6-words';

export function addressBlock(address: string): string {
  const ip = canonicalIp(address);
  if (ip === null) return address;
  if (isIP(ip) === 4) return `${ip.split('.').slice(0, 3).join('.')}.0/24`;
  const words = ipv6Words(ip);
  if (!words) return ip;
  return `${words
    .slice(0, 4)
    .map((w) => w.toString(16))
    .join(':')}::/64`;
}
