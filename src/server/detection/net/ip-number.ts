/**
 * IP addresses as numbers, for range tables searched by bisection (the IP-to-ASN data set,
 * src/server/asn/): IPv4 as an unsigned 32-bit number, IPv6 as a 128-bit bigint. Both take
 * any text canonicalIp (ip.ts) accepts, so an IPv4-mapped IPv6 address is its IPv4 number.
 * Plain dotted quads and plain IPv6 are read directly (a data set holds a million of them);
 * anything else goes through canonicalIp first.
 */
import { isIP } from 'node:net';
import { canonicalIp } from './ip';

export type IpNumber = { family: 4; value: number } | { family: 6; value: bigint };

const V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const MAPPED = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

function v4(text: string): number | null {
  const m = V4.exec(text);
  if (!m) return null;
  const [a, b, c, d] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])];
  if (a > 255 || b > 255 || c > 255 || d > 255) return null;
  return a * 16_777_216 + b * 65_536 + c * 256 + d;
}

/** The address as a number with its family, or null when the text is not an address. */
export function ipNumber(text: string): IpNumber | null {
  const four = v4(text);
  if (four !== null) return { family: 4, value: four };
  if (!MAPPED.test(text) && isIP(text) === 6) return { family: 6, value: ipv6ToBigInt(text) };
  const ip = canonicalIp(text);
  if (!ip) return null;
  if (!ip.includes(':')) {
    const value = v4(ip);
    return value === null ? null : { family: 4, value };
  }
  return { family: 6, value: ipv6ToBigInt(ip) };
}

/** A valid IPv6 address (any case, compressed or not, with or without an IPv4 tail) as a bigint. */
function ipv6ToBigInt(ip: string): bigint {
  let text = ip;
  const tail = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (tail) {
    const [a, b, c, d] = tail.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, tail.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', rest] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = rest ? rest.split(':') : [];
  const groups = rest === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  // Four exact 32-bit words (a Number holds 53 bits), then one bigint.
  const word = (k: number) => parseInt(groups[2 * k]!, 16) * 65_536 + parseInt(groups[2 * k + 1]!, 16);
  return (BigInt(word(0)) << 96n) | (BigInt(word(1)) << 64n) | (BigInt(word(2)) << 32n) | BigInt(word(3));
}
