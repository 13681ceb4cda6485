import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { issueApiToken } from '../../src/server/auth/admin-auth';
import { createStreamLimits, DEFAULT_STREAM_LIMITS } from '../../src/server/verdicts/stream-limits';
import { importSpkiPublicKey, verify } from '../../src/shared/crypto/signing';
import { ServerMessage, streamAuthText } from '../../src/shared/protocol/verdict';
import { fakeDevice, type FakeDevice } from '../fixtures/server/fake-device';
import { fakeBatch, fakeDownloadBurst } from '../fixtures/server/fake-signals';
import { DIALECTS } from './server-support/test-store';
import { createTestApp, type TestApp } from './server-support/test-app';

/**
 * A ws client that queues parsed server messages and the close code. Device settings
 * (issue #12) queue apart, so `next()` sees the verdict protocol as before.
 */
function connect(url: string) {
  const socket = new WebSocket(url);
  const queue: ServerMessage[] = [];
  const settings: ServerMessage[] = [];
  const waiters: (() => void)[] = [];
  let closed: { code: number } | null = null;
  const wake = () => waiters.splice(0).forEach((w) => w());
  socket.on('message', (data) => {
    const message = ServerMessage.parse(JSON.parse(String(data)));
    (message.type === 'settings' ? settings : queue).push(message);
    wake();
  });
  socket.on('close', (code) => {
    closed = { code };
    wake();
  });
  const until = async <T>(check: () => T | undefined, what: string): Promise<T> => {
    const deadline = Date.now() + 5000;
    for (;;) {
      const value = check();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  };
  return {
    socket,
    send: (message: unknown) => socket.send(JSON.stringify(message)),
    next: (what = 'a message') => until(() => queue.shift(), what),
    nextSettings: (timeoutWhat = 'device settings') => until(() => settings.shift(), timeoutWhat),
    closed: () => until(() => closed ?? undefined, 'close'),
  };
}

for (const dialect of DIALECTS) {
  describe(`GET /v1/stream (${dialect})`, () => {
    let t: TestApp;
    let base: string;
    afterEach(async () => t.close());

    async function start(streamAuthTimeoutMs = 10_000, limits = DEFAULT_STREAM_LIMITS) {
      t = await createTestApp({
        dialect,
        context: { streamAuthTimeoutMs, streamLimits: createStreamLimits(limits) },
        policy: { detectors: { excessive_downloads: { maxFiles: 2, maxBytes: 1e9, windowSeconds: 60 } } },
      });
      await t.app.listen({ host: '127.0.0.1', port: 0 });
      const address = t.app.server.address();
      base = `ws://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/v1/stream`;
    }

    async function authenticate(client: ReturnType<typeof connect>, device: FakeDevice) {
      const challenge = await client.next('challenge');
      if (challenge.type !== 'challenge') throw new Error(`expected a challenge, got ${challenge.type}`);
      client.send({
        type: 'auth',
        deviceId: device.id,
        signature: await device.sign(streamAuthText(challenge.challenge)),
      });
    }
    const trigger = (device: FakeDevice) =>
      t.post('/v1/signals', device, fakeBatch(device.id, fakeDownloadBurst(3, Date.now()), { sentAt: t.clock.now }));

    it('authenticates by challenge, then pushes pending verdicts and new ones live', async () => {
      await start();
      const device = await t.enroll();
      await trigger(device);
      const client = connect(base);

      await authenticate(client, device);

      expect(await client.next('ready')).toEqual({ type: 'ready' });
      const pending = await client.next('pending verdict');
      expect(pending.type).toBe('verdict');
      t.clock.now += 301_000;
      await trigger(device);
      const live = await client.next('live verdict');
      expect(live.type).toBe('verdict');
      const key = await importSpkiPublicKey(t.store.secrets.verdictKeys.publicSpki);
      for (const m of [pending, live]) {
        if (m.type !== 'verdict') throw new Error('not a verdict');
        expect(await verify(key, m.verdict.signature, m.verdict.payload)).toBe(true);
      }
      client.socket.close();
    });

    it('answers ping with pong', async () => {
      await start();
      const device = await t.enroll();
      const client = connect(base);
      await authenticate(client, device);
      await client.next('ready');

      client.send({ type: 'ping' });

      expect(await client.next('pong')).toEqual({ type: 'pong' });
      client.socket.close();
    });

    it('closes a socket whose signature does not verify', async () => {
      await start();
      const device = await t.enroll();
      const impostor = await fakeDevice();
      const client = connect(base);

      await authenticate(client, { ...impostor, id: device.id });

      expect(await client.next('error')).toMatchObject({ type: 'error' });
      expect((await client.closed()).code).toBe(4401);
      expect(t.hub.connections()).toBe(0);
    });

    it('closes a socket that does not authenticate in time', async () => {
      await start(200);
      const client = connect(base);
      await client.next('challenge');

      const closed = await client.closed();

      expect(closed.code).toBe(4408);
    });

    it('closes a socket that sends something that is not a protocol message', async () => {
      await start();
      const client = connect(base);
      await client.next('challenge');

      client.socket.send('hello');

      expect((await client.closed()).code).toBe(4400);
    });

    it('keeps at most the per-device number of streams: a newer one closes the oldest', async () => {
      await start(10_000, { perDevice: 2, total: 100, pending: 100 });
      const device = await t.enroll();
      const [first, second, third] = [connect(base), connect(base), connect(base)];

      for (const client of [first, second, third]) {
        await authenticate(client, device);
        expect(await client.next('ready')).toEqual({ type: 'ready' });
      }

      expect((await first.closed()).code).toBe(4409);
      third.send({ type: 'ping' });
      expect(await third.next('pong')).toEqual({ type: 'pong' });
      expect(t.app.server.listening).toBe(true);
      for (const client of [second, third]) client.socket.close();
    });

    it('refuses a socket past the authenticating limit, and an authenticated one past the total', async () => {
      await start(10_000, { perDevice: 2, total: 1, pending: 2 });
      const [a, b] = [await t.enroll(), await t.enroll()];
      const waiting = [connect(base), connect(base)];
      const challenges: string[] = [];
      for (const client of waiting) {
        const message = await client.next('challenge');
        if (message.type === 'challenge') challenges.push(message.challenge);
      }
      const answer = async (i: number, device: FakeDevice) =>
        waiting[i]!.send({
          type: 'auth',
          deviceId: device.id,
          signature: await device.sign(streamAuthText(challenges[i]!)),
        });

      const third = connect(base);
      expect((await third.closed()).code).toBe(4429);

      await answer(0, a);
      expect(await waiting[0]!.next('ready')).toEqual({ type: 'ready' });
      await answer(1, b);
      expect((await waiting[1]!.closed()).code).toBe(4503);
      const metrics = await t.app.inject({
        method: 'GET',
        url: '/metrics',
        headers: { authorization: `Bearer ${(await issueApiToken(t.store.db, 'metrics', t.clock.now, 'read')).token}` },
      });
      expect(metrics.body).toMatch(/sg_streams_open 1\b/);
      waiting[0]!.socket.close();
    });
  });
}
