/**
 * Reading an exit list from where `--tor-exit-list` points: a file path, or an http(s)
 * URL fetched with a timeout and a size cap. Returns the text and the time the source
 * says it was last modified (file mtime, HTTP Last-Modified), when it says one. A network
 * failure is an ordinary error naming its cause (no network is a normal state: issue #11).
 */
import { readFile, stat } from 'node:fs/promises';

export const MAX_LIST_BYTES = 16 * 1024 * 1024;
export const FETCH_TIMEOUT_MS = 20_000;

export interface SourceContent {
  text: string;
  modifiedAt: number | null;
}

export const isUrl = (source: string) => /^https?:\/\//i.test(source);

export async function readSource(
  source: string,
  fetchImpl: typeof fetch = fetch,
  /** Aborts the fetch (the list was stopped). */
  signal?: AbortSignal,
): Promise<SourceContent> {
  if (!isUrl(source)) {
    const info = await stat(source);
    if (info.size > MAX_LIST_BYTES) throw new Error(`${source} is larger than ${MAX_LIST_BYTES} bytes`);
    return { text: await readFile(source, 'utf8'), modifiedAt: info.mtimeMs };
  }
  const timeout = AbortSignal.timeout(FETCH_TIMEOUT_MS);
  let response: Response;
  try {
    response = await fetchImpl(source, {
      signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
      redirect: 'follow',
    });
  } catch (error) {
    // undici says only "fetch failed"; the cause (ENOTFOUND, ECONNREFUSED…) is what an admin needs.
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message;
    throw new Error(`${source}: ${(error as Error).message}${why ? ` (${why})` : ''}`);
  }
  if (!response.ok) throw new Error(`${source} answered HTTP ${response.status}`);
  const length = Number(response.headers.get('content-length') ?? 0);
  if (length > MAX_LIST_BYTES) throw new Error(`${source} is larger than ${MAX_LIST_BYTES} bytes`);
  const text = await response.text();
  if (text.length > MAX_LIST_BYTES) throw new Error(`${source} is larger than ${MAX_LIST_BYTES} bytes`);
  const lastModified = Date.parse(response.headers.get('last-modified') ?? '');
  return { text, modifiedAt: Number.isFinite(lastModified) ? lastModified : null };
}
