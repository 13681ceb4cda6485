/**
 * `serve --asn-data`: the IP-to-ASN data set from a gzip file is loaded before the server
 * listens and named in the startup banner; from a loopback URL it loads in the background
 * and GET /api/asn-data shows it arrive; without the flag it is off and the banner says the
 * asn detector's AS checks are unavailable when that detector is on. Nothing leaves loopback.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { issueApiToken } from '../../src/server/auth/admin-auth';
import { resolveServeConfig, type ServeFlags } from '../../src/server/config';
import { startServer, type RunningServer } from '../../src/server/serve';

const SAMPLE = readFileSync(new URL('../fixtures/asn/ip2asn-sample.tsv', import.meta.url), 'utf8');

type AsnSummary = { status: string; entries: number; asns: number; stale: boolean; error: string | null };

describe('serve --asn-data', () => {
  let dir: string;
  let running: RunningServer | undefined;
  let server: Server | undefined;
  let banner: string[] = [];
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sg-asn-serve-'));
    banner = [];
  });
  afterEach(async () => {
    await running?.close();
    running = undefined;
    if (server) await new Promise((resolve) => server!.close(resolve));
    server = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  async function serve(flags: Partial<ServeFlags>, policy?: object): Promise<RunningServer> {
    const policyFile = join(dir, 'policy.json');
    if (policy) await writeFile(policyFile, JSON.stringify(policy));
    const all: ServeFlags = {
      port: '0',
      'data-dir': dir,
      'tor-exit-list': 'none',
      'extension-dir': dir,
      ...(policy ? { policy: policyFile } : {}),
      ...flags,
    };
    running = await startServer(resolveServeConfig(all, { SESSION_GUARD_LOG_LEVEL: 'silent' }), {
      out: (line) => void banner.push(line),
      env: { SESSION_GUARD_ADMIN_PASSWORD: 'asn-serve-test-password', SESSION_GUARD_LOG_LEVEL: 'silent' },
    });
    return running;
  }

  /** Reads GET /api/asn-data until `wanted`: the event that proves the load ended. */
  async function asnStatus(s: RunningServer, wanted: (x: AsnSummary) => boolean): Promise<AsnSummary> {
    const { token } = await issueApiToken(s.store.db, 'asn-test', Date.now(), 'read');
    const deadline = Date.now() + 15_000;
    for (;;) {
      const res = await fetch(`${s.url}/api/asn-data`, { headers: { authorization: `Bearer ${token}` } });
      const body = (await res.json()) as AsnSummary;
      if (wanted(body)) return body;
      if (Date.now() > deadline) throw new Error(`the data set never got there: ${JSON.stringify(body)}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  it('loads a gzip file before listening and names it in the banner', async () => {
    const file = join(dir, 'ip2asn-combined.tsv.gz');
    await writeFile(file, gzipSync(SAMPLE));

    const s = await serve({ 'asn-data': file });

    expect(banner.join('\n')).toMatch(
      /^IP-to-ASN data: 15 ranges \(11 AS numbers\), fresh \(\d+ s old\), from .*\.gz$/m,
    );
    expect(await asnStatus(s, () => true)).toMatchObject({ status: 'fresh', entries: 15, asns: 11, error: null });
  });

  it('fetches a URL in the background and shows it arrive', async () => {
    server = createServer((_req, res) => res.writeHead(200).end(gzipSync(SAMPLE)));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ip2asn-combined.tsv.gz`;

    const s = await serve({ 'asn-data': url });

    expect(await asnStatus(s, (x) => x.status === 'fresh')).toMatchObject({ entries: 15, asns: 11 });
  });

  it('is off without the flag, and the banner says so when the asn detector is on', async () => {
    const s = await serve({}, { detectors: { asn: { enabled: true } } });

    expect(banner.join('\n')).toMatch(/^IP-to-ASN data: off \(--asn-data none\)/m);
    expect(await asnStatus(s, () => true)).toEqual({ status: 'unconfigured', stale: true, entries: 0 });
  });
});
