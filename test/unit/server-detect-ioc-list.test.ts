/**
 * The asn detector's indicator list (ioc-list.ts): addresses, CIDRs and AS numbers with
 * comments; content that is mostly not indicators refused whole; a changed file re-read
 * and a broken rewrite keeping the last good copy; a feed at a URL (a real HTTP server on
 * loopback) fetched once, re-fetched in the background after an hour, its last good copy
 * kept while it is down or serves something else.
 */
import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  forgetIocListsForTests,
  IOC_REFRESH_MS,
  iocFeedStatus,
  iocListAt,
  parseIocList,
} from '../../src/server/detection/ioc-list';

afterEach(forgetIocListsForTests);

/** A feed server: answers with `feed.status` and `feed.body`, counts requests. */
async function feedServer() {
  const feed = { status: 200, body: '45.141.84.0/24\nAS9009\n', requests: 0 };
  const server: Server = createServer((_req, res) => {
    feed.requests++;
    res.writeHead(feed.status, { 'content-type': 'text/plain' }).end(feed.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ioc.txt`;
  return { feed, url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('indicator list', () => {
  it('reads addresses, CIDRs and AS numbers, comments ignored', () => {
    expect(
      parseIocList('# bad actors\n45.141.84.0/24\n185.220.101.7  # one exit\n2a0d:5600::/32\nAS9009\n64500\n'),
    ).toEqual({
      cidrs: ['45.141.84.0/24', '185.220.101.7/32', '2a0d:5600::/32'],
      asns: [9009, 64500],
    });
  });

  it('refuses content that is mostly not indicators', () => {
    expect(() => parseIocList('<html>\n<body>Not found</body>\n</html>\n10.0.0.1\n')).toThrow(/not an indicator list/);
    expect(() => parseIocList('10.0.0.0/33\n')).toThrow(/not an indicator list/);
  });

  it('re-reads a changed file and keeps the last good copy when a rewrite is broken', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sg-ioc-')), 'ioc.txt');
    writeFileSync(file, '45.141.84.0/24\n');
    expect((await iocListAt(file, 1))?.cidrs).toEqual(['45.141.84.0/24']);
    writeFileSync(file, '198.51.100.0/24\n');
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    expect((await iocListAt(file, 2))?.cidrs).toEqual(['198.51.100.0/24']);
    writeFileSync(file, '<html>oops</html>\n');
    utimesSync(file, new Date(), new Date(Date.now() + 10_000));
    expect((await iocListAt(file, 3))?.cidrs).toEqual(['198.51.100.0/24']);
  });

  it('fetches a feed at a URL once, and serves batches from memory until an hour has passed', async () => {
    const { feed, url, close } = await feedServer();
    try {
      const first = await iocListAt(url, 1_000);
      expect(first).toMatchObject({ source: url, cidrs: ['45.141.84.0/24'], asns: [9009] });
      expect(await iocListAt(url, 1_000 + IOC_REFRESH_MS - 1)).toBe(first);
      expect(feed.requests).toBe(1);

      feed.body = '198.51.100.0/24\n';
      // Past the hour: the batch still gets the copy in memory, and a fetch starts behind it.
      expect(await iocListAt(url, 1_000 + IOC_REFRESH_MS)).toBe(first);
      await vi.waitFor(() => expect(iocFeedStatus(url)).toMatchObject({ loaded: true, entries: 1, lastError: null }));
      expect((await iocListAt(url, 1_000 + IOC_REFRESH_MS + 1))?.cidrs).toEqual(['198.51.100.0/24']);
      expect(feed.requests).toBe(2);
    } finally {
      await close();
    }
  });

  it('keeps the last good copy of a feed that is down or serves a page instead, and says why', async () => {
    const { feed, url, close } = await feedServer();
    try {
      await iocListAt(url, 0);
      feed.status = 503;
      await iocListAt(url, IOC_REFRESH_MS);
      await vi.waitFor(() => expect(iocFeedStatus(url)?.lastError).toBe(`${url} answered HTTP 503`));
      expect((await iocListAt(url, IOC_REFRESH_MS + 1))?.cidrs).toEqual(['45.141.84.0/24']);

      feed.status = 200;
      feed.body = '<html><body>Log in</body></html>\n';
      await iocListAt(url, 2 * IOC_REFRESH_MS);
      await vi.waitFor(() => expect(iocFeedStatus(url)?.lastError).toMatch(/not an indicator list/));
      expect((await iocListAt(url, 2 * IOC_REFRESH_MS + 1))?.cidrs).toEqual(['45.141.84.0/24']);
    } finally {
      await close();
    }
  });

  it('a feed that cannot be reached matches nothing, and says why', async () => {
    const { url, close } = await feedServer();
    await close(); // nothing listens on its port any more
    expect(await iocListAt(url, 0)).toBeNull();
    await vi.waitFor(() => expect(iocFeedStatus(url)?.lastError).toMatch(/ECONNREFUSED/));
  });
});
