/**
 * Reading the IP-to-ASN data set from where `--asn-data` points: a file path or an http(s)
 * URL (fetched with a timeout), gzip-compressed or not (told by its first two bytes, so
 * `ip2asn-combined.tsv.gz` works as downloaded). Larger caps than the Tor list's: the
 * whole Internet's ranges are some 30 MB of text. Returns the text and when the source
 * says it was last modified (file mtime, HTTP Last-Modified).
 */
import { readFile, stat } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { isUrl } from '../tor/exit-list-source';

export const MAX_ASN_DATA_BYTES = 64 * 1024 * 1024;
export const MAX_ASN_TEXT_BYTES = 256 * 1024 * 1024;
export const ASN_FETCH_TIMEOUT_MS = 120_000;

export interface AsnSourceContent {
  text: string;
  modifiedAt: number | null;
}

const tooLarge = (source: string) => new Error(`${source} is larger than ${MAX_ASN_DATA_BYTES} bytes`);

function decode(source: string, bytes: Buffer): string {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes.toString('utf8');
  try {
    return gunzipSync(bytes, { maxOutputLength: MAX_ASN_TEXT_BYTES }).toString('utf8');
  } catch (error) {
    throw new Error(`${source}: not readable gzip (${(error as Error).message})`);
  }
}

export async function readAsnSource(
  source: string,
  fetchImpl: typeof fetch = fetch,
  signal?: AbortSignal,
): Promise<AsnSourceContent> {
  if (!isUrl(source)) {
    const info = await stat(source);
    if (info.size > MAX_ASN_DATA_BYTES) throw tooLarge(source);
    return { text: decode(source, await readFile(source)), modifiedAt: info.mtimeMs };
  }
  const timeout = AbortSignal.timeout(ASN_FETCH_TIMEOUT_MS);
  let response: Response;
  try {
    response = await fetchImpl(source, { signal: signal ? AbortSignal.any([timeout, signal]) : timeout });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message;
    throw new Error(`${source}: ${(error as Error).message}${why ? ` (${why})` : ''}`);
  }
  if (!response.ok) throw new Error(`${source} answered HTTP ${response.status}`);
  if (Number(response.headers.get('content-length') ?? 0) > MAX_ASN_DATA_BYTES) throw tooLarge(source);
  const bytes = Buffer.from(await response.arrayBuffer());
  if (bytes.length > MAX_ASN_DATA_BYTES) throw tooLarge(source);
  const lastModified = Date.parse(response.headers.get('last-modified') ?? '');
  return { text: decode(source, bytes), modifiedAt: Number.isFinite(lastModified) ? lastModified : null };
}
