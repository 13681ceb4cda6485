/**
 * The enrollment commands (issue #10), each dialect: `enrollment rotate` puts a new token
 * in the store, `policy export` prints it, a running `serve` (another process's view of
 * the same store) accepts it at once and the old one within the grace; `serve` takes the
 * enrollment flags, refuses bad values, and `--help` documents them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/server/cli';
import type { CliIo } from '../../src/server/cli/io';
import { loadExtensionKey } from '../../src/server/extension-key';
import { enrollRequest, fakeDevice, signedHeaders } from '../fixtures/server/fake-device';
import { createPostgresDatabase, DIALECTS, stopPostgres, type TestDialect } from './server-support/test-store';

afterAll(stopPostgres);

function captureIo() {
  let stop: (signal: string) => void = () => undefined;
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (text) => void out.push(text),
    stderr: (text) => void err.push(text),
    env: { SESSION_GUARD_TOR_EXIT_LIST: 'none' }, // never fetch the Tor Project's list from a test
    waitForShutdown: () => new Promise((resolve) => (stop = resolve)),
  };
  return { io, stop: () => stop('SIGTERM'), text: () => out.join('\n'), errors: () => err.join('\n') };
}

async function enrollOverHttp(url: string, token: string): Promise<Response> {
  const device = await fakeDevice();
  const payload = JSON.stringify(enrollRequest(device, token));
  return fetch(`${url}/v1/enroll`, { method: 'POST', body: payload, headers: await signedHeaders(device, payload) });
}

describe.each(DIALECTS)('session-guard enrollment (%s)', (dialect: TestDialect) => {
  let dir: string;
  let store: string[];
  let drop: () => Promise<void>;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sg-enroll-cli-'));
    drop = async () => undefined;
    store = ['--data-dir', dir];
    if (dialect === 'postgres') {
      const database = await createPostgresDatabase();
      drop = database.drop;
      store = ['--data-dir', dir, '--database-url', database.url];
    }
  });
  afterEach(async () => {
    await drop();
    await rm(dir, { recursive: true, force: true });
  });

  const exportedToken = async () => {
    const c = captureIo();
    expect(await main(['policy', 'export', '--format', 'chrome-linux', ...store], c.io)).toBe(0);
    return JSON.parse(c.text())['3rdparty'].extensions[loadExtensionKey({}).extensionId].enrollmentToken as string;
  };

  it('rotate issues a new token that policy export prints, and never prints the old one', async () => {
    const before = await exportedToken();
    const rotate = captureIo();

    expect(await main(['enrollment', 'rotate', '--grace-hours', '2', ...store], rotate.io)).toBe(0);

    const after = await exportedToken();
    expect(after).not.toBe(before);
    expect(after).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(rotate.text()).toContain('accepted until');
    expect(rotate.text()).toContain('(2 h)');
    expect(rotate.text()).not.toContain(before);
    expect(rotate.text()).not.toContain(after);
  });

  it('a running server accepts the rotated token at once and refuses the old one past its grace (0 h)', async () => {
    const oldToken = await exportedToken();
    const server = captureIo();
    const exited = main(['serve', '--port', '0', '--enrollment-rate-per-address', '0', ...store], server.io);
    const deadline = Date.now() + 20_000;
    while (!/listening on (\S+)/.test(server.text()) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    const url = /listening on (\S+)/.exec(server.text())![1]!;

    try {
      expect(await main(['enrollment', 'rotate', '--grace-hours', '0', ...store], captureIo().io)).toBe(0);
      const newToken = await exportedToken();

      expect((await enrollOverHttp(url, newToken)).status).toBe(200);
      const old = await enrollOverHttp(url, oldToken);
      expect(old.status).toBe(401);
      expect((await old.json()).error).toBe('enrollment_token_expired');
    } finally {
      server.stop();
      expect(await exited).toBe(0);
    }
  });

  it('serve applies --enrollment-rate-per-address: the second enrollment from one address is 429', async () => {
    const token = await exportedToken();
    const server = captureIo();
    const exited = main(['serve', '--port', '0', '--enrollment-rate-per-address', '1', ...store], server.io);
    const deadline = Date.now() + 20_000;
    while (!/listening on (\S+)/.test(server.text()) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    const url = /listening on (\S+)/.exec(server.text())![1]!;

    try {
      expect((await enrollOverHttp(url, token)).status).toBe(200);
      const second = await enrollOverHttp(url, token);
      expect(second.status).toBe(429);
      expect(Number(second.headers.get('retry-after'))).toBe(60);
    } finally {
      server.stop();
      expect(await exited).toBe(0);
    }
  });
});

describe('session-guard enrollment usage', () => {
  it.each([
    [['enrollment']],
    [['enrollment', 'renew']],
    [['enrollment', 'rotate', '--grace-hours', 'soon']],
    [['enrollment', 'rotate', '--grace-hours', '-1']],
  ])('exits 2 with usage for %j', async (argv) => {
    const c = captureIo();

    expect(await main(argv, c.io)).toBe(2);

    expect(c.errors()).toContain('Usage: session-guard');
  });

  it('serve refuses a rate that is not a whole number, naming the flag', async () => {
    const c = captureIo();

    expect(await main(['serve', '--port', '0', '--enrollment-rate-total', 'lots'], c.io)).toBe(1);

    expect(c.errors()).toContain('--enrollment-rate-total must be a whole number');
  });

  it('--help documents the enrollment command, flags and environment', async () => {
    const c = captureIo();

    expect(await main(['--help'], c.io)).toBe(0);

    for (const text of [
      'enrollment rotate',
      '--grace-hours N',
      '--enrollment-rate-per-address N',
      '--enrollment-rate-total N',
      '--max-devices N',
      '--enrollment-approval',
      'SESSION_GUARD_ENROLLMENT_APPROVAL',
    ])
      expect(c.text()).toContain(text);
  });
});
