/**
 * An IPv6 address as its eight 16-bit words (`::` expanded, a dotted IPv4 tail read as
 * two words), for code that reasons about prefixes: the /64 a sign-in is counted against,
 * the IPv4 address a mapped or NAT64 address stands for. Null when it is not IPv6 text.
 */
export type Ipv6Words = readonly [number, number, number, number, number, number, number, number];

export function ipv6Words(text: string): Ipv6Words | null {
  let address = text
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/%.*$/, '');
  const dotted = /(\d{1,3}(?:\.\d{1,3}){3})$/.exec(address);
  if (dotted) {
    const quad = dotted[1]!;
    const parts = quad.split('.').map(Number);
    if (parts.some((p) => p > 255)) return null;
    const [a, b, c, d] = parts as [number, number, number, number];
    address = `${address.slice(0, -quad.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  if (address.split('::').length > 2) return null;
  const [head, tail] = address.includes('::') ? address.split('::') : [address, null];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const fill = tail === null ? 0 : 8 - left.length - right.length;
  if (fill < 0) return null;
  const words = [...left, ...Array<string>(fill).fill('0'), ...right].map((w) =>
    /^[0-9a-f]{1,4}$/.test(w) ? parseInt(w, 16) : NaN,
  );
  return words.length === 8 && words.every((w) => Number.isInteger(w)) ? (words as unknown as Ipv6Words) : null;
}
