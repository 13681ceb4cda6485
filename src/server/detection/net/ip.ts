/**
 * IP addresses as detectors compare them: one canonical text per address (an IPv4-mapped
 * IPv6 address is its IPv4 form, IPv6 is lower-case and compressed), and CIDR membership.
 * Pure computation; node:net's BlockList does the bit arithmetic.
 */
import { BlockList, isIP } from 'node:net';

/** The canonical text of an address, or null when it is not one. */
export function canonicalIp(text: string): string | null {
  const trimmed = text.trim().replace(/^\[|\]$/g, '');
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(trimmed);
  if (mapped) return isIP(mapped[1]!) === 4 ? mapped[1]! : null;
  const family = isIP(trimmed);
  if (family === 4)
    return trimmed
      .split('.')
      .map((part) => String(Number(part)))
      .join('.');
  if (family === 6) {
    // A zone id (`fe80::1%eth0`) names a local interface, not another address; URL refuses it.
    const [address] = trimmed.split('%');
    try {
      return new URL(`http://[${address}]/`).hostname.slice(1, -1);
    } catch {
      return null;
    }
  }
  return null;
}

const lists = new WeakMap<readonly string[], BlockList>();

function blockListOf(cidrs: readonly string[]): BlockList {
  const cached = lists.get(cidrs);
  if (cached) return cached;
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [address, bits] = cidr.split('/');
    const ip = canonicalIp(address!);
    if (!ip) continue;
    const family = isIP(ip) === 4 ? 'ipv4' : 'ipv6';
    const prefix = Number(bits);
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === 'ipv4' ? 32 : 128)) continue;
    list.addSubnet(ip, prefix, family);
  }
  lists.set(cidrs, list);
  return list;
}

/** Whether `ip` lies in any of `cidrs` (entries that are not valid CIDRs match nothing). */
export function inCidrs(ip: string, cidrs: readonly string[]): boolean {
  const canonical = canonicalIp(ip);
  if (!canonical || cidrs.length === 0) return false;
  return blockListOf(cidrs).check(canonical, isIP(canonical) === 4 ? 'ipv4' : 'ipv6');
}
