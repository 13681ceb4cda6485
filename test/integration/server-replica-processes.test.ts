/**
 * Two replicas as two real `session-guard serve` processes on one PostgreSQL, started the
 * way docs/scaling.md says to run them behind a load balancer: the same database URL and
 * secret key, each its own data folder. A device enrolled through one replica streams from
 * the other; the batch that crosses the threshold goes to the first; the verdict reaches
 * the device's stream on the second, once, and both replicas agree on what was stored.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ServerMessage, streamAuthText } from '../../src/shared/protocol/verdict';
import { startBackend, type Backend } from '../e2e/harness/backend';
import { enrollRequest, fakeDevice, signedHeaders, type FakeDevice } from '../fixtures/server/fake-device';
import { fakeBatch, fakeDownloadBurst } from '../fixtures/server/fake-signals';
import { createPostgresDatabase, stopPostgres } from './server-support/test-store';

afterAll(stopPostgres);

async function postSigned(backend: Backend, path: string, device: FakeDevice, body: unknown): Promise<Response> {
  const text = JSON.stringify(body);
  return fetch(`${backend.url}${path}`, {
    method: 'POST',
    body: text,
    headers: await signedHeaders(device, text),
  });
}

function openStream(backend: Backend, device: FakeDevice): { socket: WebSocket; messages: ServerMessage[] } {
  const socket = new WebSocket(`${backend.url.replace(/^http/, 'ws')}/v1/stream`);
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
  return { socket, messages };
}

describe.runIf(process.env.SESSION_GUARD_TEST_POSTGRES !== '0')('two replica processes on one PostgreSQL', () => {
  it('a verdict issued by the replica that ingested reaches the stream held by the other, once', async () => {
    const database = await createPostgresDatabase();
    const dirs = await Promise.all([1, 2].map(() => mkdtemp(join(tmpdir(), 'sg-replica-proc-'))));
    const env = {
      SESSION_GUARD_DATABASE_URL: database.url,
      SESSION_GUARD_SECRET_KEY: randomBytes(32).toString('base64'),
    };
    const policy = { mode: 'enforce', detectors: { excessive_downloads: { action: 'terminate', maxFiles: 2 } } };
    const started: Backend[] = [];
    try {
      // One after the other: the first runs the migrations, the second finds them done.
      const a = await startBackend(join(dirs[0]!, 'data'), policy, { env });
      started.push(a);
      const b = await startBackend(join(dirs[1]!, 'data'), policy, { env });
      started.push(b);

      // Both hand out the same enrollment token and verdict key: they are one deployment.
      const [exportA, exportB] = await Promise.all([a.exportPolicy(), b.exportPolicy()]);
      const settings = (e: Record<string, any>) => Object.values(e['3rdparty'].extensions)[0] as Record<string, any>;
      expect(settings(exportB).enrollmentToken).toBe(settings(exportA).enrollmentToken);
      expect(settings(exportB).verdictPublicKey).toBe(settings(exportA).verdictPublicKey);

      const device = await fakeDevice();
      const enrolled = await postSigned(
        a,
        '/v1/enroll',
        device,
        enrollRequest(device, settings(exportA).enrollmentToken, { sentAt: Date.now() }),
      );
      expect(enrolled.status).toBe(200);

      const stream = openStream(b, device);
      await expect.poll(() => stream.messages.some((m) => m.type === 'ready'), { timeout: 10_000 }).toBe(true);

      const ingest = await postSigned(
        a,
        '/v1/signals',
        device,
        fakeBatch(device.id, fakeDownloadBurst(3, Date.now()), { sentAt: Date.now() }),
      );
      expect(ingest.status).toBe(200);

      await expect
        .poll(() => stream.messages.filter((m) => m.type === 'verdict').length, { timeout: 10_000, interval: 20 })
        .toBe(1);
      // Both replicas read the one store: the verdict is listed by each.
      const [listA, listB] = await Promise.all([a.api('/api/verdicts'), b.api('/api/verdicts')]);
      expect(listA.verdicts.map((v: { id: string }) => v.id)).toEqual(listB.verdicts.map((v: { id: string }) => v.id));
      expect(listA.verdicts).toHaveLength(1);
      stream.socket.close();
    } finally {
      for (const backend of started) await backend.stop();
      await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
      await database.drop();
    }
  }, 120_000);
});
