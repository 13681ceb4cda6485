/**
 * Two replicas on one PostgreSQL: a verdict issued by the replica that ingested the
 * signals reaches a device whose WebSocket is held by the other one, at once.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { buildApp } from '../../src/server/app';
import { openStore } from '../../src/server/db/open-store';
import { applyPolicy } from '../../src/server/policy/policy-store';
import { createPostgresHub } from '../../src/server/verdicts/postgres-hub';
import { ServerMessage, streamAuthText } from '../../src/shared/protocol/verdict';
import { OrgPolicy } from '../../src/shared/policy/org-policy';
import { enrollRequest, fakeDevice, signedHeaders } from '../fixtures/server/fake-device';
import { fakeBatch, fakeDownloadBurst } from '../fixtures/server/fake-signals';
import { createPostgresDatabase, stopPostgres } from './server-support/test-store';

afterAll(stopPostgres);

// Replicas share the secret key that seals the verdict signing key (issue #10).
const SHARED_SECRET = { SESSION_GUARD_SECRET_KEY: randomBytes(32).toString('base64') };

async function replica(url: string) {
  const dataDir = await mkdtemp(join(tmpdir(), 'sg-replica-'));
  const store = await openStore({ dataDir, databaseUrl: url, env: SHARED_SECRET });
  const hub = createPostgresHub({ url });
  await hub.ready;
  const app = await buildApp({ db: store.db, dialect: store.dialect, secrets: store.secrets, hub });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    app,
    store,
    hub,
    ws: `ws://127.0.0.1:${port}/v1/stream`,
    async close() {
      await app.close();
      await hub.close();
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

describe.runIf(process.env.SESSION_GUARD_TEST_POSTGRES !== '0')('replicas sharing PostgreSQL', () => {
  it('pushes a verdict issued on one replica to a device connected to the other', async () => {
    const database = await createPostgresDatabase();
    const a = await replica(database.url);
    const b = await replica(database.url);
    try {
      await applyPolicy(
        a.store.db,
        OrgPolicy.parse({ detectors: { excessive_downloads: { maxFiles: 2 } } }),
        'test',
        Date.now(),
      );
      const device = await fakeDevice();
      const enroll = JSON.stringify(enrollRequest(device, a.store.secrets.enrollmentToken, { sentAt: Date.now() }));
      expect(
        (
          await a.app.inject({
            method: 'POST',
            url: '/v1/enroll',
            payload: enroll,
            headers: await signedHeaders(device, enroll),
          })
        ).statusCode,
      ).toBe(200);

      const socket = new WebSocket(b.ws);
      const messages: ServerMessage[] = [];
      socket.on('message', async (data) => {
        const message = ServerMessage.parse(JSON.parse(String(data)));
        messages.push(message);
        if (message.type === 'challenge')
          socket.send(
            JSON.stringify({
              type: 'auth',
              deviceId: device.id,
              signature: await device.sign(streamAuthText(message.challenge)),
            }),
          );
      });
      await expect.poll(() => messages.some((m) => m.type === 'ready')).toBe(true);

      const batch = JSON.stringify(fakeBatch(device.id, fakeDownloadBurst(3, Date.now()), { sentAt: Date.now() }));
      const issuedAt = Date.now();
      const ingest = await a.app.inject({
        method: 'POST',
        url: '/v1/signals',
        payload: batch,
        headers: await signedHeaders(device, batch),
      });
      expect(ingest.statusCode).toBe(200);

      await expect.poll(() => messages.some((m) => m.type === 'verdict'), { timeout: 5000, interval: 20 }).toBe(true);
      const arrivedMs = Date.now() - issuedAt;
      expect(arrivedMs).toBeLessThan(5000);
      expect(a.hub.connections()).toBe(0);
      expect(b.hub.connections()).toBe(1);
      socket.close();
    } finally {
      await a.close();
      await b.close();
      await database.drop();
    }
  });
});
