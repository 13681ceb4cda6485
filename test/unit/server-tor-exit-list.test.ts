/**
 * The Tor exit list: both published formats parse (the bulk one from a real list of
 * 2023-10-14, which is old and must read as stale), a refresh picks up a changed file
 * without a restart, and a stale, empty or unreadable list is reported as such.
 */
import { copyFile, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { looksLikeExitList, parseExitList } from '../../src/server/tor/exit-list-parse';
import { createTorExitList } from '../../src/server/tor/exit-list';
import { readSource } from '../../src/server/tor/exit-list-source';
import { readFileSync } from 'node:fs';

const REAL_LIST = new URL('../fixtures/tor/torbulkexitlist-2023-10-14.txt', import.meta.url).pathname;
const SAMPLE = new URL('../fixtures/tor/exit-addresses-sample.txt', import.meta.url).pathname;
const LIST_DATE = Date.parse('2023-10-14T00:00:00Z');
const HOUR = 3_600_000;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sg-tor-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The real list, with the file time it was published on (never "now"). */
async function realListFile(): Promise<string> {
  const file = join(dir, 'torbulkexitlist');
  await copyFile(REAL_LIST, file);
  await utimes(file, LIST_DATE / 1000, LIST_DATE / 1000);
  return file;
}

describe('parsing an exit list', () => {
  it('reads the torbulkexitlist format: 1305 distinct addresses from the real list', () => {
    const parsed = parseExitList(readFileSync(REAL_LIST, 'utf8'));

    expect(parsed.format).toBe('torbulkexitlist');
    expect(parsed.addresses.size).toBe(1305);
    expect(parsed.addresses.has('185.241.208.232')).toBe(true);
    expect(parsed.invalidLines).toBe(0);
    expect(parsed.publishedAt).toBeNull();
  });

  it('reads the exit-addresses format, its IPv6 exits and its newest timestamp', () => {
    const parsed = parseExitList(readFileSync(SAMPLE, 'utf8'));

    expect(parsed.format).toBe('exit-addresses');
    expect([...parsed.addresses].sort()).toEqual([
      '162.247.74.201',
      '185.220.101.1',
      '185.220.101.31',
      '2a0b:f4c2:2::1',
    ]);
    expect(parsed.publishedAt).toBe(Date.parse('2023-10-14T06:12:08Z'));
  });

  it('refuses content that is not a list, such as an error page', () => {
    const parsed = parseExitList(
      '<html><body>\n<h1>502 Bad Gateway</h1>\n<p>nginx</p>\n</body>\n</html>\n<!-- -->\n<x>',
    );

    expect(parsed.addresses.size).toBe(0);
    expect(looksLikeExitList(parsed)).toBe(false);
  });
});

describe('the exit list in use', () => {
  it('reports the real 2023 list as stale, however recently it was loaded', async () => {
    const list = createTorExitList({ source: await realListFile(), now: () => Date.parse('2025-06-01T00:00:00Z') });

    const status = await list.start();
    list.stop();

    expect(status).toMatchObject({
      status: 'stale',
      stale: true,
      entries: 1305,
      format: 'torbulkexitlist',
      asOf: LIST_DATE,
      error: null,
    });
    expect(status.ageSeconds).toBeGreaterThan(365 * 86_400);
    expect(list.view(Date.parse('2025-06-01T00:00:00Z'))).toMatchObject({ status: 'stale' });
  });

  it('is fresh while its content is younger than the stale limit (the simulated date of the list)', async () => {
    const list = createTorExitList({ source: await realListFile(), now: () => LIST_DATE + 2 * HOUR });

    expect(await list.start()).toMatchObject({ status: 'fresh', stale: false, ageSeconds: 7200 });
    list.stop();
  });

  it('dates an exit-addresses list by its own timestamps, not the file time', async () => {
    const list = createTorExitList({ source: SAMPLE, now: () => Date.parse('2023-10-14T07:12:08Z') });

    expect(await list.start()).toMatchObject({
      status: 'fresh',
      entries: 4,
      format: 'exit-addresses',
      ageSeconds: 3600,
    });
    list.stop();
  });

  it('picks up a changed file on the next refresh, without a restart', async () => {
    const file = join(dir, 'exits.txt');
    await writeFile(file, '185.220.101.1\n');
    const list = createTorExitList({ source: file, refreshSeconds: 1 });
    await list.start();
    expect(list.view(Date.now())?.addresses.has('127.0.0.1')).toBe(false);

    await writeFile(file, '185.220.101.1\n127.0.0.1\n');
    const deadline = Date.now() + 5000;
    while (!list.view(Date.now())?.addresses.has('127.0.0.1') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    list.stop();

    expect(list.view(Date.now())?.addresses.has('127.0.0.1')).toBe(true);
    expect(list.status().entries).toBe(2);
  });

  it('reports an empty list as empty, and the detector gets nothing to trust', async () => {
    const file = join(dir, 'empty.txt');
    await writeFile(file, '\n');
    const list = createTorExitList({ source: file });

    expect(await list.start()).toMatchObject({ status: 'empty', stale: true, entries: 0 });
    expect(list.view(Date.now())).toBeNull();
    list.stop();
  });

  it('keeps the previous list when a refresh comes back empty or unreadable, and says why', async () => {
    const file = join(dir, 'exits.txt');
    await writeFile(file, '185.220.101.1\n185.220.101.2\n');
    const list = createTorExitList({ source: file });
    await list.start();
    list.stop();

    await writeFile(file, '');
    const afterEmpty = await list.refresh();
    await rm(file);
    const afterMissing = await list.refresh();

    expect(afterEmpty).toMatchObject({
      status: 'fresh',
      entries: 2,
      error: expect.stringContaining('is empty; keeping the previous 2 addresses'),
    });
    expect(afterMissing).toMatchObject({ entries: 2, error: expect.stringContaining('ENOENT') });
    expect(list.view(Date.now())?.addresses.size).toBe(2);
  });

  it('is an error, not a silent empty list, when it never loaded', async () => {
    const list = createTorExitList({ source: join(dir, 'missing.txt') });

    expect(await list.start()).toMatchObject({
      status: 'error',
      stale: true,
      entries: 0,
      error: expect.stringContaining('ENOENT'),
    });
    expect(list.view(Date.now())).toBeNull();
    list.stop();
  });
});

describe('loading from a URL', () => {
  let server: Server;
  let body = '';
  afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

  async function serve(headers: Record<string, string> = {}, status = 200): Promise<string> {
    server = createServer((_req, res) => {
      res.writeHead(status, { 'content-type': 'text/plain', ...headers });
      res.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/torbulkexitlist`;
  }

  it('fetches the list and dates it by Last-Modified', async () => {
    body = readFileSync(REAL_LIST, 'utf8');
    const url = await serve({ 'last-modified': new Date(LIST_DATE).toUTCString() });
    const list = createTorExitList({ source: url, now: () => LIST_DATE + HOUR });

    expect(await list.start()).toMatchObject({ status: 'fresh', entries: 1305, asOf: LIST_DATE, source: url });
    list.stop();
  });

  it('reports an HTTP error and never trusts the error page', async () => {
    body = '<html>rate limited</html>';
    const url = await serve({}, 503);

    await expect(readSource(url)).rejects.toThrow('HTTP 503');
    const list = createTorExitList({ source: url });
    expect(await list.start()).toMatchObject({
      status: 'error',
      entries: 0,
      error: expect.stringContaining('HTTP 503'),
    });
    list.stop();
  });
});

describe('a source that comes back', () => {
  it('is tried again soon after a failure, not only at the next refresh', async () => {
    let attempts = 0;
    let succeeded: () => void = () => undefined;
    const second = new Promise<void>((resolve) => (succeeded = resolve));
    const list = createTorExitList({
      source: 'https://exits.example/list',
      refreshSeconds: 3600,
      retrySeconds: 0.05,
      read: async () => {
        if (++attempts === 1) throw new Error('fetch failed (ENOTFOUND)');
        succeeded();
        return { text: '192.0.2.1\n192.0.2.2\n', modifiedAt: null };
      },
    });

    const first = await list.start();
    await second;
    await new Promise((resolve) => setImmediate(resolve)); // the load that read it finishes

    expect(first).toMatchObject({ status: 'error', entries: 0, error: 'fetch failed (ENOTFOUND)' });
    expect(list.status()).toMatchObject({ status: 'fresh', entries: 2, error: null });
    expect(attempts).toBe(2);
    list.stop();
  });
});
