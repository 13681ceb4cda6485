/**
 * Webhook targets inside the backend's own network (issue #10): an admin (or a stolen
 * admin token) must not turn webhooks into requests to loopback, the cloud metadata
 * service or the office network. Refused when added, and again when delivered, where the
 * host name is resolved and the socket connects only to the addresses that were checked,
 * so a name re-pointed at 127.0.0.1 after it was added (DNS rebinding) reaches nothing.
 * `serve --allow-private-webhooks` lifts both.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, assert, beforeEach, describe, expect, it } from 'vitest';
import { createWebhookAs } from '../../src/server/admin/webhook-actions';
import { createApiToken } from '../../src/server/auth/admin-auth';
import { main } from '../../src/server/cli';
import type { WebhookTargetPolicy } from '../../src/server/webhooks/targets';
import { postForm, signIn } from './server-support/admin-session';
import { storeSnapshot } from './server-support/store-snapshot';
import { createTestApp, type TestApp } from './server-support/test-app';
import { DIALECTS, type TestDialect } from './server-support/test-store';

const PUBLIC = '93.184.216.34';
/** The admin token's last-used time is the request itself, not something it stored. */
const OWN_USE = ['api_tokens.last_used_at'];

/** A loopback endpoint that records whatever reaches it. */
async function startReceiver(): Promise<{ port: number; hits: string[]; close(): Promise<void> }> {
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    hits,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function waitFor<T>(read: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > end) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.each(DIALECTS)('webhook targets on %s', (dialect: TestDialect) => {
  let t: TestApp;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let bearer: { authorization: string };
  /** What the fake resolver answers for each name; it is asked every time. */
  let dns: Record<string, string[]>;
  const resolve = async (name: string) => dns[name] ?? [];

  const open = async (targets: WebhookTargetPolicy) => {
    t = await createTestApp({ dialect, context: { now: Date.now, webhookTargets: targets } });
    bearer = { authorization: `Bearer ${await createApiToken(t.store.db, 'admin', Date.now())}` };
  };
  const add = (url: string) =>
    t.app.inject({ method: 'POST', url: '/api/webhooks', payload: { url }, headers: bearer });
  const sendTest = (id: string) => t.app.inject({ method: 'POST', url: `/api/webhooks/${id}/test`, headers: bearer });
  const deliveries = async () =>
    (await t.app.inject({ url: '/api/webhooks/deliveries', headers: bearer })).json().deliveries as {
      status: string;
      attempts: number;
      lastError: string | null;
    }[];

  beforeEach(async () => {
    receiver = await startReceiver();
    dns = {};
  });
  afterEach(async () => {
    await t.close();
    await receiver.close();
  });

  it.each([
    'http://127.0.0.1:9/hook',
    'http://2130706433/hook', // 127.0.0.1 in decimal
    'http://0x7f.1/hook',
    'http://localhost:8080/hook',
    'http://api.localhost/hook',
    'http://[::1]/hook',
    'http://[::ffff:127.0.0.1]/hook',
    'http://10.0.0.5/hook',
    'http://172.20.1.1/hook',
    'http://192.168.1.10/hook',
    'http://100.64.1.1/hook',
    'http://169.254.169.254/latest/meta-data/',
    'http://[fe80::1]/hook',
    'http://[fd00::5]/hook',
    'http://0.0.0.0/hook',
    'http://224.0.0.1/hook',
    'https://intranet.example/hook', // resolves to 10.0.0.7
  ])('refuses to add %s (400, nothing stored)', async (url) => {
    await open({ allowPrivate: false, resolve });
    dns['intranet.example'] = ['10.0.0.7'];
    const before = await storeSnapshot(t.store.db, OWN_USE);

    const res = await add(url);

    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      error: 'private_webhook_target',
      message: expect.stringContaining('--allow-private-webhooks'),
    });
    expect(await storeSnapshot(t.store.db, OWN_USE)).toBe(before);
  });

  it('refuses the same from the dashboard form and the CLI', async () => {
    await open({ allowPrivate: false, resolve });
    const session = await signIn(t.app, t.store.db);
    const before = await storeSnapshot(t.store.db, OWN_USE);
    let out = '';
    const io = {
      stdout: (s: string) => void (out += `${s}\n`),
      stderr: (s: string) => void (out += `${s}\n`),
      env: {},
      waitForShutdown: () => new Promise<string>(() => undefined),
    };
    const store = [...(t.databaseUrl ? ['--database-url', t.databaseUrl] : []), '--data-dir', t.dataDir];

    const form = await postForm(t.app, '/settings/webhooks', session, {
      _csrf: session.csrf,
      url: 'http://169.254.169.254/latest/meta-data/',
    });
    const cli = await main(['webhook', 'add', '--url', 'http://127.0.0.1:9/hook', ...store], io);

    expect(form.statusCode).toBe(400);
    expect(form.body).toContain('is a loopback, private or link-local address');
    expect(cli).toBe(1);
    expect(out).toContain('webhook URL refused: 127.0.0.1 is a loopback, private or link-local address');
    expect(await storeSnapshot(t.store.db, OWN_USE)).toBe(before);
  }, 30_000);

  it('refuses at delivery a name re-pointed at loopback after it was added (DNS rebinding)', async () => {
    await open({ allowPrivate: false, resolve });
    dns['hooks.rebind.example'] = [PUBLIC];
    const added = await add(`http://hooks.rebind.example:${receiver.port}/hook`);
    expect(added.statusCode).toBe(200);

    dns['hooks.rebind.example'] = ['127.0.0.1'];
    await sendTest(added.json().id);
    const [delivery] = await waitFor(deliveries, (d) => (d[0]?.attempts ?? 0) >= 1);
    assert(delivery);

    expect(delivery.lastError).toContain('hooks.rebind.example resolves to an internal address (127.0.0.1)');
    expect(delivery.status).not.toBe('delivered');
    expect(receiver.hits).toEqual([]);
  });

  it('refuses at delivery a name with any internal address among public ones', async () => {
    await open({ allowPrivate: false, resolve });
    dns['mixed.example'] = [PUBLIC];
    const added = await add(`http://mixed.example:${receiver.port}/hook`);

    dns['mixed.example'] = [PUBLIC, '::ffff:127.0.0.1'];
    await sendTest(added.json().id);
    const [delivery] = await waitFor(deliveries, (d) => (d[0]?.attempts ?? 0) >= 1);
    assert(delivery);

    expect(delivery.lastError).toContain('resolves to an internal address (::ffff:127.0.0.1)');
    expect(receiver.hits).toEqual([]);
  });

  it('refuses at delivery a loopback endpoint stored while private targets were allowed', async () => {
    await open({ allowPrivate: false, resolve });
    // As `webhook add --allow-private-webhooks` does, then a backend started without the flag.
    const stored = await createWebhookAs(
      t.store.db,
      Date.now(),
      { actor: 'cli:test', ip: null },
      {
        url: `http://127.0.0.1:${receiver.port}/hook`,
      },
      { allowPrivate: true },
    );

    await sendTest(stored.id);
    const [delivery] = await waitFor(deliveries, (d) => (d[0]?.attempts ?? 0) >= 1);
    assert(delivery);

    expect(delivery.lastError).toContain('127.0.0.1 is a loopback, private or link-local address');
    expect(receiver.hits).toEqual([]);
  });

  it('with --allow-private-webhooks, adds and delivers to loopback, connecting where the name resolved', async () => {
    await open({ allowPrivate: true, resolve });
    dns['hooks.internal.example'] = ['127.0.0.1'];
    const byName = await add(`http://hooks.internal.example:${receiver.port}/by-name`);
    const byAddress = await add(`http://127.0.0.1:${receiver.port}/by-address`);

    await sendTest(byName.json().id);
    await sendTest(byAddress.json().id);
    await waitFor(
      async () => receiver.hits.length,
      (n) => n >= 2,
    );

    expect([byName.statusCode, byAddress.statusCode]).toEqual([200, 200]);
    expect(receiver.hits.sort()).toEqual(['POST /by-address', 'POST /by-name']);
  });
});
