/**
 * The `asn` detector's indicator list (issue #14, policy `detectors.asn.iocList`): a file
 * of addresses, CIDRs and AS numbers (`AS64500` or `64500`), one a line, `#` comments.
 * Read by the engine, never by the detector: re-read when the file's modification time
 * changes, the last good copy kept when a re-read fails. Content that is mostly not
 * indicators (an HTML page, the wrong file) is refused whole. AS numbers are kept but
 * match nothing until the IP-to-ASN data set arrives (a later step); `http(s)://` lists
 * are a later step too and load as nothing, with the reason.
 */
import { readFileSync, statSync } from 'node:fs';
import { canonicalIp } from './net/ip';

export interface IocListView {
  source: string;
  /** Addresses as /32 or /128, and CIDRs, canonical. One array per load (net/ip.ts caches by it). */
  cidrs: readonly string[];
  asns: readonly number[];
  loadedAt: number;
}

export function parseIocList(text: string): { cidrs: string[]; asns: number[] } {
  const cidrs: string[] = [];
  const asns: number[] = [];
  let bad = 0;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) continue;
    const asn = /^(?:AS)?(\d{1,10})$/i.exec(line);
    if (asn && Number(asn[1]) <= 4_294_967_295 && !line.includes('.')) {
      asns.push(Number(asn[1]));
      continue;
    }
    const [address, bits, extra] = line.split('/');
    const ip = canonicalIp(address ?? '');
    const max = ip?.includes(':') ? 128 : 32;
    const prefix = bits === undefined ? max : Number(bits);
    if (!ip || extra !== undefined || !/^\d{1,3}$/.test(String(prefix)) || prefix > max) {
      bad++;
      continue;
    }
    cidrs.push(`${ip}/${prefix}`);
  }
  const good = cidrs.length + asns.length;
  if (good === 0 || bad > good) throw new Error(`not an indicator list: ${bad} of ${good + bad} lines unreadable`);
  return { cidrs, asns };
}

const cache = new Map<string, { mtimeMs: number; view: IocListView }>();

/** The list at `source` (a file path), or null with nothing to match; failures keep the last good copy. */
export function iocListAt(source: string, now: number): IocListView | null {
  if (/^https?:\/\//i.test(source)) return null;
  const cached = cache.get(source);
  try {
    const { mtimeMs } = statSync(source);
    if (cached && cached.mtimeMs === mtimeMs) return cached.view;
    const view = { source, ...parseIocList(readFileSync(source, 'utf8')), loadedAt: now };
    cache.set(source, { mtimeMs, view });
    return view;
  } catch {
    return cached?.view ?? null;
  }
}
