/**
 * The Tor exit list from a URL, as `serve` uses the Tor Project's by default (issue #11),
 * against a loopback server that serves the real snapshot: start-up never waits for the
 * fetch, a failed fetch is quiet and reported as missing, a good one is saved as the last
 * good copy, and a restart without network starts from that copy (stale) until the source
 * answers again. Nothing here reaches beyond loopback.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveServeConfig, type ServeFlags } from '../../src/server/config';
import { issueApiToken } from '../../src/server/auth/admin-auth';
import { startServer, type RunningServer } from '../../src/server/serve';
import { LAST_GOOD_FILE } from '../../src/server/tor/last-good';

const SNAPSHOT = readFileSync(
  fileURLToPath(new URL('../fixtures/tor/torbulkexitlist-2023-10-14.txt', import.meta.url)),
  'utf8',
);

interface ListServer {
  url: string;
  /** Resolves when the list was asked for. */
  requested: Promise<void>;
  /** Lets the held answer go. */
  release(): void;
  close(): Promise<void>;
}

/** Serves the snapshot on loopback, holding each answer until `release()` when `hold` is set. */
async function listServer(hold: boolean, port = 0): Promise<ListServer> {
  let released: () => void = () => undefined;
  const gate = hold ? new Promise<void>((resolve) => (released = resolve)) : Promise.resolve();
  let requested: () => void = () => undefined;
  const asked = new Promise<void>((resolve) => (requested = resolve));
  const server: Server = createServer((_req, res) => {
    requested();
    void gate.then(() => res.writeHead(200, { 'content-type': 'text/plain' }).end(SNAPSHOT));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/torbulkexitlist`,
    requested: asked,
    release: () => released(),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

type TorSummary = { status: string; entries: number; stale: boolean; error: string | null; origin: string | null };

describe('the Tor exit list from a URL (the default source)', () => {
  let dir: string;
  let running: RunningServer | undefined;
  const lists: ListServer[] = [];
  let banner: string[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sg-tor-default-'));
    banner = [];
  });
  afterEach(async () => {
    await running?.close();
    running = undefined;
    for (const list of lists.splice(0)) {
      list.release();
      await list.close();
    }
    await rm(dir, { recursive: true, force: true });
  });

  async function serve(url: string, env: NodeJS.ProcessEnv = {}): Promise<RunningServer> {
    const flags: ServeFlags = { port: '0', 'data-dir': dir, 'tor-exit-list': url, 'extension-dir': dir };
    running = await startServer(resolveServeConfig(flags, { SESSION_GUARD_LOG_LEVEL: 'silent', ...env }), {
      out: (line) => void banner.push(line),
      env: { SESSION_GUARD_ADMIN_PASSWORD: 'tor-default-test-password', SESSION_GUARD_LOG_LEVEL: 'silent' },
    });
    return running;
  }

  /** Reads /readyz until the list reaches `wanted`: the event that proves the fetch ended. */
  const tokens = new Map<RunningServer, string>();
  async function torStatus(server: RunningServer, wanted: (s: TorSummary) => boolean): Promise<TorSummary> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      // The list's state is admin information (issue #10: /readyz says only ready or not).
      const token = tokens.get(server) ?? (await issueApiToken(server.store.db, 'tor-test', Date.now(), 'read')).token;
      tokens.set(server, token);
      const list = (await (
        await fetch(`${server.url}/api/tor-exit-list`, { headers: { authorization: `Bearer ${token}` } })
      ).json()) as TorSummary;
      if (wanted(list)) return list;
      if (Date.now() > deadline) throw new Error(`Tor exit list never got there: ${JSON.stringify(list)}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  it('reports an unreachable source as missing, quietly, and keeps serving', async () => {
    const url = `http://127.0.0.1:${await freePort()}/torbulkexitlist`;

    const server = await serve(url);

    expect(banner.join('\n')).toMatch(/^Tor exit list: missing/m);
    const tor = await torStatus(server, (s) => s.status === 'error');
    expect(tor).toMatchObject({ entries: 0, stale: true, origin: null });
    expect(tor.error).toContain('ECONNREFUSED');
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(existsSync(join(dir, LAST_GOOD_FILE))).toBe(false);
  });

  it('starts without waiting for the fetch, then uses the list and saves it as the last good copy', async () => {
    const list = await listServer(true);
    lists.push(list);

    const server = await serve(list.url);
    await list.requested; // the fetch is out, its answer held: start-up finished without it

    expect(banner[0]).toMatch(/^Session Guard listening on http:\/\/127\.0\.0\.1:\d+$/);
    expect(banner).toContain(
      `Tor exit list: missing until it arrives: fetching ${list.url} in the background; the tor detector cannot fire yet`,
    );
    list.release();
    const tor = await torStatus(server, (s) => s.status !== 'loading');
    expect(tor).toMatchObject({ status: 'fresh', entries: 1305, stale: false, origin: 'source', error: null });
    const saved = readFileSync(join(dir, LAST_GOOD_FILE), 'utf8');
    expect(saved.split('\n')[0]).toMatch(new RegExp(`^# Session Guard: last good copy of ${list.url}, as of `));
    expect(saved.endsWith(SNAPSHOT)).toBe(true);
  });

  it('restarts without network from the last good copy, stale, until the source answers again', async () => {
    const first = await listServer(false);
    const port = Number(new URL(first.url).port);
    await torStatus(await serve(first.url), (s) => s.status === 'fresh');
    await running!.close();
    running = undefined;
    await first.close(); // the network is gone

    const server = await serve(first.url, { SESSION_GUARD_TOR_REFRESH_SECONDS: '1' });

    expect(banner.join('\n')).toMatch(
      new RegExp(
        `^Tor exit list: 1305 addresses, stale \\(the last good copy, \\d+ s old\\) until ${first.url} answers`,
        'm',
      ),
    );
    const offline = await torStatus(server, (s) => s.error !== null);
    expect(offline).toMatchObject({ status: 'stale', entries: 1305, stale: true, origin: 'last-good' });
    expect(offline.error).toContain('ECONNREFUSED');
    const back = await listServer(false, port); // the network is back: the next refresh takes it
    lists.push(back);
    expect(await torStatus(server, (s) => s.origin === 'source')).toMatchObject({
      status: 'fresh',
      entries: 1305,
      stale: false,
      error: null,
    });
  });
});
