/**
 * The IP-to-ASN table in memory (issue #14): address ranges sorted by their start, one
 * array per family (IPv4 as 32-bit numbers in typed arrays, IPv6 as bigints), searched by
 * bisection, so a lookup costs about 20 comparisons whatever the size of the data set.
 * Each range points at one record per AS number (number, country, holder name).
 */
import { ipNumber } from '../detection/net/ip-number';

export interface AsnRecord {
  asn: number;
  /** ISO country code as the data set gives it ('' when it has none). */
  country: string;
  /** The AS holder's name as the data set gives it, e.g. `AMAZON-02`. */
  holder: string;
}

export interface AsnRange<N extends number | bigint> {
  start: N;
  end: N;
  record: AsnRecord;
}

export interface AsnTable {
  /** Ranges held, both families. */
  readonly ranges: number;
  /** Distinct AS numbers. */
  readonly asns: number;
  lookup(ip: string): AsnRecord | null;
}

interface Family<N extends number | bigint> {
  starts: ArrayLike<N>;
  ends: ArrayLike<N>;
  records: AsnRecord[];
}

function family<N extends number | bigint>(ranges: AsnRange<N>[], typed: boolean): Family<N> {
  ranges.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const starts = typed ? Uint32Array.from(ranges, (r) => r.start as number) : ranges.map((r) => r.start);
  const ends = typed ? Uint32Array.from(ranges, (r) => r.end as number) : ranges.map((r) => r.end);
  return { starts: starts as ArrayLike<N>, ends: ends as ArrayLike<N>, records: ranges.map((r) => r.record) };
}

/** The last range starting at or before `value`, if it also ends at or after it. */
function find<N extends number | bigint>(f: Family<N>, value: N): AsnRecord | null {
  let low = 0;
  let high = f.starts.length - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    if (f.starts[mid]! <= value) {
      found = mid;
      low = mid + 1;
    } else high = mid - 1;
  }
  return found >= 0 && value <= f.ends[found]! ? f.records[found]! : null;
}

export function buildAsnTable(v4: AsnRange<number>[], v6: AsnRange<bigint>[]): AsnTable {
  const four = family(v4, true);
  const six = family(v6, false);
  const asns = new Set([...four.records, ...six.records].map((r) => r.asn)).size;
  return {
    ranges: v4.length + v6.length,
    asns,
    lookup(ip) {
      const n = ipNumber(ip);
      if (!n) return null;
      return n.family === 4 ? find(four, n.value) : find(six, n.value);
    },
  };
}
