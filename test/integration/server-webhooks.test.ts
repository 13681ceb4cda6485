import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, assert, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app';
import { createApiToken } from '../../src/server/auth/admin-auth';
import { main } from '../../src/server/cli';
import { createMetrics } from '../../src/server/metrics';
import { createWebhookDispatcher } from '../../src/server/webhooks/dispatcher';
import { verifyWebhook } from '../../src/server/webhooks/signing';
import { fakeBatch, fakeDownloadBurst } from '../fixtures/server/fake-signals';
import { createTestApp, type TestApp } from './server-support/test-app';

const detectors = { excessive_downloads: { maxFiles: 2, maxBytes: 1e9, windowSeconds: 60 } };

interface Received {
  at: number;
  headers: IncomingHttpHeaders;
  body: string;
  signatureValid: boolean;
}

/**
 * A real HTTP endpoint that checks the Standard Webhooks signature on its own (not with
 * the backend's code): HMAC-SHA256 keyed by the base64 after `whsec_`, over
 * `id.timestamp.body`, header `v1,<base64>`, timestamp within 5 minutes.
 */
async function startReceiver(
  statuses: number[] = [],
): Promise<{ url: string; received: Received[]; setSecret(s: string): void; close(): Promise<void> }> {
  const received: Received[] = [];
  let secret = '';
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const id = String(req.headers['webhook-id']);
      const timestamp = String(req.headers['webhook-timestamp']);
      const mac = createHmac('sha256', Buffer.from(secret.replace(/^whsec_/, ''), 'base64'))
        .update(`${id}.${timestamp}.${body}`)
        .digest();
      const signatureValid =
        Math.abs(Date.now() / 1000 - Number(timestamp)) < 300 &&
        String(req.headers['webhook-signature'])
          .split(' ')
          .some(
            (s) =>
              s.startsWith('v1,') &&
              Buffer.from(s.slice(3), 'base64').length === 32 &&
              timingSafeEqual(Buffer.from(s.slice(3), 'base64'), mac),
          );
      received.push({ at: Date.now(), headers: req.headers, body, signatureValid });
      res.statusCode = statuses[received.length - 1] ?? 200;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    setSecret: (s) => void (secret = s),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function waitFor<T>(read: () => T | Promise<T>, done: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > end) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('outgoing webhooks', () => {
  let t: TestApp;
  let bearer: { authorization: string };
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const setup = async (statuses: number[] = [], retryDelays = [300, 1200]) => {
    receiver = await startReceiver(statuses);
    // The receiver listens on loopback, which only --allow-private-webhooks lets a webhook reach.
    t = await createTestApp({
      policy: { detectors },
      context: { now: Date.now, webhookRetryDelaysMs: retryDelays, webhookTargets: { allowPrivate: true } },
    });
    bearer = { authorization: `Bearer ${await createApiToken(t.store.db, 'siem', Date.now())}` };
  };
  const addWebhook = async (events = ['verdict.issued']) => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/webhooks',
      payload: { url: receiver.url, events, description: 'SIEM' },
      headers: bearer,
    });
    expect(res.statusCode).toBe(200);
    receiver.setSecret(res.json().secret);
    return res.json();
  };
  const trigger = async () => {
    const device = await t.enroll();
    await t.post('/v1/signals', device, fakeBatch(device.id, fakeDownloadBurst(3, Date.now()), { sentAt: Date.now() }));
    return device;
  };
  const deliveries = async () =>
    (await t.app.inject({ method: 'GET', url: '/api/webhooks/deliveries', headers: bearer })).json().deliveries;
  afterEach(async () => {
    await t.close();
    await receiver.close();
  });

  describe('on each verdict', () => {
    beforeEach(async () => setup());

    it('POSTs the verdict signed as Standard Webhooks specifies, with a whsec_ secret', async () => {
      const hook = await addWebhook();
      await trigger();

      await waitFor(
        () => receiver.received.length,
        (n) => n >= 1,
      );
      const [{ id: verdictId }] = (await t.app.inject({ method: 'GET', url: '/api/verdicts', headers: bearer })).json()
        .verdicts;

      expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      expect(Buffer.from(hook.secret.slice(6), 'base64')).toHaveLength(32);
      expect(receiver.received).toHaveLength(1);
      const [got] = receiver.received;
      assert(got);
      expect(got.signatureValid).toBe(true);
      expect(got.headers['webhook-id']).toBe(`msg_verdict_${verdictId}`);
      expect(got.headers['webhook-timestamp']).toMatch(/^\d{10}$/);
      expect(got.headers['content-type']).toBe('application/json');
      expect(JSON.parse(got.body)).toMatchObject({
        type: 'verdict.issued',
        data: { id: verdictId, reasons: ['excessive_downloads'] },
        text: expect.stringContaining('excessive_downloads'),
      });
      expect(verifyWebhook(hook.secret, got.headers, got.body, Math.floor(Date.now() / 1000))).toBe(true);
      expect(verifyWebhook(hook.secret, got.headers, `${got.body} `, Math.floor(Date.now() / 1000))).toBe(false);
      expect(await waitFor(deliveries, (d) => d[0]?.status === 'delivered')).toEqual([
        expect.objectContaining({ status: 'delivered', attempts: 1, lastStatus: 200 }),
      ]);
    });

    it('sends a test event on request and lists, then deletes, the endpoint (audited)', async () => {
      const hook = await addWebhook();
      await t.app.inject({ method: 'POST', url: `/api/webhooks/${hook.id}/test`, headers: bearer });

      await waitFor(
        () => receiver.received.length,
        (n) => n >= 1,
      );
      const listed = (await t.app.inject({ method: 'GET', url: '/api/webhooks', headers: bearer })).json().webhooks;
      await t.app.inject({ method: 'DELETE', url: `/api/webhooks/${hook.id}`, headers: bearer });

      expect(JSON.parse(receiver.received[0]!.body).type).toBe('webhook.test');
      expect(receiver.received[0]!.signatureValid).toBe(true);
      expect(listed).toEqual([
        expect.objectContaining({ id: hook.id, enabled: true, secretHint: expect.stringMatching(/^whsec_.{4}…$/) }),
      ]);
      expect(JSON.stringify(listed)).not.toContain(hook.secret);
      expect((await t.app.inject({ method: 'GET', url: '/api/webhooks', headers: bearer })).json().webhooks).toEqual(
        [],
      );
      const actions = (await t.app.inject({ method: 'GET', url: '/api/audit', headers: bearer }))
        .json()
        .entries.map((e: { action: string }) => e.action);
      expect(actions).toEqual(['webhook.delete', 'webhook.test', 'webhook.create']);
    });

    it('refuses an endpoint that is not http(s), or a malformed secret', async () => {
      const ftp = await t.app.inject({
        method: 'POST',
        url: '/api/webhooks',
        payload: { url: 'ftp://example.com/x' },
        headers: bearer,
      });
      const secret = await t.app.inject({
        method: 'POST',
        url: '/api/webhooks',
        payload: { url: receiver.url, secret: 'hunter2' },
        headers: bearer,
      });

      expect(ftp.statusCode).toBe(400);
      expect(secret.statusCode).toBe(400);
      expect(secret.json().message).toContain('secret');
    });

    it('sends one delivery per event even with two replicas on one database', async () => {
      const replicaWebhooks = createWebhookDispatcher({
        db: t.store.db,
        now: Date.now,
        metrics: createMetrics(),
        targets: { allowPrivate: true },
      });
      const replica = await buildApp({
        db: t.store.db,
        dialect: t.store.dialect,
        secrets: t.store.secrets,
        now: Date.now,
        webhookTargets: { allowPrivate: true },
        webhooks: replicaWebhooks,
      });
      try {
        await addWebhook();
        await trigger();
        await waitFor(
          () => receiver.received.length,
          (n) => n >= 1,
        );
        await replica.ready();
        // Two full passes of the second replica's dispatcher over the shared queue: it looked.
        await replicaWebhooks.tick();
        await replicaWebhooks.tick();

        expect(receiver.received).toHaveLength(1);
      } finally {
        await replica.close();
        await replicaWebhooks.stop();
      }
    });
  });

  it('retries a failing endpoint with backoff, with the same webhook-id and fresh signatures', async () => {
    await setup([500, 503], [300, 1200]);
    await addWebhook();
    await trigger();

    await waitFor(
      () => receiver.received.length,
      (n) => n >= 3,
      15_000,
    );
    const [first, second, third] = receiver.received;
    assert(second && first && third);

    expect(receiver.received.map((r) => r.signatureValid)).toEqual([true, true, true]);
    expect(new Set(receiver.received.map((r) => r.headers['webhook-id'])).size).toBe(1);
    expect(second.at - first.at).toBeGreaterThanOrEqual(270);
    expect(third.at - second.at).toBeGreaterThanOrEqual(1080);
    expect(await waitFor(deliveries, (d) => d[0]?.status === 'delivered')).toEqual([
      expect.objectContaining({ status: 'delivered', attempts: 3, lastStatus: 200 }),
    ]);
  }, 30_000);

  it('gives up after the last retry, and disables an endpoint that answers 410 Gone', async () => {
    await setup([500, 500, 500, 410], [100, 100]);
    await addWebhook();
    await trigger();

    const failed = await waitFor(deliveries, (d) => d[0]?.status === 'failed', 10_000);
    await t.app.inject({ method: 'POST', url: `/api/webhooks/${failed[0].webhookId}/test`, headers: bearer });
    const [hook] = await waitFor(
      async () => (await t.app.inject({ method: 'GET', url: '/api/webhooks', headers: bearer })).json().webhooks,
      (w) => w[0]?.enabled === false,
    );

    expect(failed[0]).toMatchObject({ status: 'failed', attempts: 3, lastStatus: 500, lastError: 'HTTP 500' });
    expect(receiver.received).toHaveLength(4);
    expect(hook).toMatchObject({ enabled: false, disabledReason: expect.stringContaining('410') });
  }, 30_000);

  it('sends monitor-mode findings to endpoints subscribed to finding.recorded', async () => {
    await setup();
    await t.setPolicy({ mode: 'monitor', detectors });
    await addWebhook(['finding.recorded']);
    await trigger();

    await waitFor(
      () => receiver.received.length,
      (n) => n >= 1,
    );

    expect(JSON.parse(receiver.received[0]!.body)).toMatchObject({
      type: 'finding.recorded',
      data: { mode: 'monitor', outcome: 'would_terminate' },
    });
  });

  it('is configured from the CLI too: add prints the id and secret, list and remove', async () => {
    await setup();
    let out = '';
    const io = {
      stdout: (s: string) => void (out += `${s}\n`),
      stderr: (s: string) => void (out += `${s}\n`),
      env: {},
      waitForShutdown: () => new Promise<string>(() => undefined),
    };

    expect(
      await main(
        [
          'webhook',
          'add',
          '--url',
          receiver.url,
          '--event',
          'verdict.issued',
          '--allow-private-webhooks',
          '--data-dir',
          t.dataDir,
        ],
        io,
      ),
    ).toBe(0);
    const [, id, secret] = /webhook (\S+)\nsecret (whsec_\S+)/.exec(out)! as unknown as [string, string, string];
    receiver.setSecret(secret);
    await trigger();
    await waitFor(
      () => receiver.received.length,
      (n) => n >= 1,
    );
    expect(await main(['webhook', 'list', '--data-dir', t.dataDir], io)).toBe(0);
    expect(await main(['webhook', 'remove', id, '--data-dir', t.dataDir], io)).toBe(0);

    expect(receiver.received[0]!.signatureValid).toBe(true);
    expect(out).toContain(`${id}  enabled   verdict.issued  ${receiver.url}`);
    expect(out).toContain(`removed ${id}`);
    expect((await t.app.inject({ method: 'GET', url: '/api/audit', headers: bearer })).json().entries[0]).toMatchObject(
      { action: 'webhook.delete', actor: expect.stringMatching(/^cli:/) },
    );
  });
});
