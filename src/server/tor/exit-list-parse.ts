/**
 * Parsing a Tor exit list in either published format:
 * - `torbulkexitlist` (check.torproject.org/torbulkexitlist): one address a line;
 * - `exit-addresses` (check.torproject.org/exit-addresses): records of `ExitNode <fp>`,
 *   `Published`, `LastStatus` and `ExitAddress <ip> <YYYY-MM-DD HH:MM:SS>` lines (UTC).
 * The format is recognised from the content. Only the exit-addresses format says how old
 * it is (its newest timestamp); for the bulk format the caller supplies a time (the file's
 * modification time or the HTTP Last-Modified). Pure.
 */
import { canonicalIp } from '../detection/net/ip';

export const EXIT_LIST_FORMATS = ['torbulkexitlist', 'exit-addresses'] as const;
export type ExitListFormat = (typeof EXIT_LIST_FORMATS)[number];

export interface ParsedExitList {
  format: ExitListFormat;
  addresses: Set<string>;
  /** The newest timestamp in the content (exit-addresses only), epoch ms. */
  publishedAt: number | null;
  /** Lines that were neither an address, a known keyword, a comment nor blank. */
  invalidLines: number;
}

const RECORD_KEYWORDS = /^(ExitNode|Published|LastStatus|ExitAddress)\s/;

function utc(date: string | undefined, time: string | undefined): number | null {
  if (!date || !time) return null;
  const ms = Date.parse(`${date}T${time}Z`);
  return Number.isFinite(ms) ? ms : null;
}

export function parseExitList(text: string): ParsedExitList {
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  const format: ExitListFormat = lines.some((l) => RECORD_KEYWORDS.test(l)) ? 'exit-addresses' : 'torbulkexitlist';
  const addresses = new Set<string>();
  let publishedAt: number | null = null;
  let invalidLines = 0;
  const seen = (ms: number | null) => {
    if (ms !== null && (publishedAt === null || ms > publishedAt)) publishedAt = ms;
  };
  for (const line of lines) {
    if (line === '' || line.startsWith('#')) continue;
    if (format === 'torbulkexitlist') {
      const ip = canonicalIp(line);
      if (ip) addresses.add(ip);
      else invalidLines++;
      continue;
    }
    const [keyword, ...rest] = line.split(/\s+/);
    if (keyword === 'ExitAddress') {
      const ip = canonicalIp(rest[0] ?? '');
      if (ip) addresses.add(ip);
      else invalidLines++;
      seen(utc(rest[1], rest[2]));
    } else if (keyword === 'Published' || keyword === 'LastStatus') {
      seen(utc(rest[0], rest[1]));
    } else if (keyword !== 'ExitNode') {
      invalidLines++;
    }
  }
  return { format, addresses, publishedAt, invalidLines };
}

/** Content that is clearly not a list (an HTML error page, say) is refused whole. */
export function looksLikeExitList(parsed: ParsedExitList): boolean {
  return parsed.invalidLines <= Math.max(5, parsed.addresses.size / 10);
}
