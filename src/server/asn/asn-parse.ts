/**
 * Reading an IP-to-ASN data set in iptoasn.com's format (`ip2asn-v4.tsv`, `ip2asn-v6.tsv`
 * or `ip2asn-combined.tsv`; https://iptoasn.com): one range a line, tab-separated
 * `range_start range_end AS_number country_code AS_description`, addresses as text.
 * Rows with AS number 0 are address space nobody announces ("Not routed") and are
 * skipped. Blank lines and `#` comments are allowed. Any other row that does not read is
 * refused with its line number, and so is the whole file: a wrong or truncated download
 * must not replace good data (asn-data.ts keeps the previous table).
 */
import { ipNumber, type IpNumber } from '../detection/net/ip-number';
import { buildAsnTable, type AsnRange, type AsnRecord, type AsnTable } from './asn-table';

export class AsnDataError extends Error {}

const MAX_ASN = 4_294_967_295;

export interface ParsedAsnData {
  table: AsnTable;
  /** Rows skipped as not routed (AS 0). */
  unrouted: number;
}

/** Reads the whole text at once (tests, small files). */
export function parseAsnData(text: string): ParsedAsnData {
  const rows = parseRows(text);
  let step = rows.next();
  while (!step.done) step = rows.next();
  return step.value;
}

/** The same, handing the event loop back every `LINES_A_SLICE` lines: a million rows never stall verdicts. */
export async function parseAsnDataInSlices(text: string): Promise<ParsedAsnData> {
  const rows = parseRows(text);
  let step = rows.next();
  while (!step.done) {
    await new Promise((resolve) => setImmediate(resolve));
    step = rows.next();
  }
  return step.value;
}

const LINES_A_SLICE = 20_000;

function* parseRows(text: string): Generator<void, ParsedAsnData> {
  const v4: AsnRange<number>[] = [];
  const v6: AsnRange<bigint>[] = [];
  const records = new Map<number, AsnRecord>();
  let unrouted = 0;
  let lineNo = 0;
  for (let at = 0; at < text.length;) {
    const newline = text.indexOf('\n', at);
    const end = newline === -1 ? text.length : newline;
    const line = text.slice(at, end > at && text.charCodeAt(end - 1) === 13 ? end - 1 : end);
    at = end + 1;
    if (++lineNo % LINES_A_SLICE === 0) yield;
    if (!line.trim() || line.startsWith('#')) continue;
    const row = readRow(line, lineNo);
    if (row.asn === 0) {
      unrouted++;
      continue;
    }
    let record = records.get(row.asn);
    if (!record) {
      record = { asn: row.asn, country: row.country, holder: row.holder };
      records.set(row.asn, record);
    }
    addRange(row.start, row.end, record, v4, v6);
  }
  if (v4.length + v6.length === 0) throw new AsnDataError('no routed ranges: not an IP-to-ASN data set');
  yield;
  return { table: buildAsnTable(v4, v6), unrouted };
}

function readRow(line: string, lineNo: number) {
  const fail = (why: string): never => {
    throw new AsnDataError(
      `line ${lineNo}: ${why} (expected range_start, range_end, AS_number, country, description, tab-separated)`,
    );
  };
  const fields = line.split('\t');
  if (fields.length < 3) fail(`${fields.length} field(s)`);
  const start = ipNumber(fields[0]!) ?? fail('range_start is not an IP address');
  const end = ipNumber(fields[1]!) ?? fail('range_end is not an IP address');
  if (start.family !== end.family) fail('range_start and range_end are of different families');
  if (start.value > end.value) fail('range_end is before range_start');
  const asnText = fields[2]!.trim().replace(/^AS/i, '');
  const asn = Number(asnText);
  if (!/^\d{1,10}$/.test(asnText) || asn > MAX_ASN) fail(`AS number "${fields[2]}" is not one`);
  const country = (fields[3] ?? '').trim().slice(0, 8);
  return { start, end, asn, country, holder: (fields[4] ?? '').trim().slice(0, 200) };
}

function addRange(start: IpNumber, end: IpNumber, record: AsnRecord, v4: AsnRange<number>[], v6: AsnRange<bigint>[]) {
  if (start.family === 4) v4.push({ start: start.value, end: end.value as number, record });
  else v6.push({ start: start.value, end: end.value as bigint, record });
}
