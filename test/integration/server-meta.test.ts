import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApiToken } from '../../src/server/auth/admin-auth';
import { createTorExitList } from '../../src/server/tor/exit-list';
import { connect } from 'node:net';
import { signedHeaders } from '../fixtures/server/fake-device';
import { fakeBatch, fakeDownloadBurst } from '../fixtures/server/fake-signals';
import { createTestApp, type TestApp } from './server-support/test-app';

describe('/openapi.json and /metrics', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({
      policy: { detectors: { excessive_downloads: { maxFiles: 2, maxBytes: 1e9, windowSeconds: 60 } } },
    });
  });
  afterEach(async () => t.close());

  it('describes the device and admin API with schemas from the wire contract', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();

    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/enroll',
        '/v1/signals',
        '/v1/verdicts/poll',
        '/v1/acks',
        '/api/verdicts',
        '/api/policy',
        '/extension/updates.xml',
        '/extension/session-guard.crx',
      ]),
    );
    const batch = doc.paths['/v1/signals'].post.requestBody.content['application/json'].schema;
    expect(batch.properties.signals.maxItems).toBe(500);
  });

  it('counts nothing in flight once a batch whose device hung up before the answer is stored', async () => {
    const device = await t.enroll();
    const payload = JSON.stringify(fakeBatch(device.id, fakeDownloadBurst(1, t.clock.now), { sentAt: t.clock.now }));
    const headers = { ...(await signedHeaders(device, payload)), 'content-length': String(Buffer.byteLength(payload)) };
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = t.app.server.address() as { port: number };
    // A browser closing mid-request: the whole batch is sent, the connection gone at once.
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    const head = Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
    socket.write(`POST /v1/signals HTTP/1.1\r\nhost: 127.0.0.1\r\n${head}\r\n${payload}`, () => socket.destroy());

    const token = await createApiToken(t.store.db, 'prometheus', t.clock.now, 'read');
    const metrics = async () =>
      (await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${token}` } })).body;
    // The batch was stored and went through detection, so the count had its chance to move.
    await expect.poll(metrics, { timeout: 10_000 }).toContain('sg_detection_batches_total{result="ok"} 1');
    await expect.poll(metrics, { timeout: 10_000 }).toContain('sg_signal_batches_in_flight 0');
  });

  it('counts signals, findings and refusals in Prometheus format', async () => {
    const device = await t.enroll();
    await t.post(
      '/v1/signals',
      device,
      fakeBatch(device.id, fakeDownloadBurst(3, t.clock.now), { sentAt: t.clock.now }),
    );
    await t.post('/v1/signals', device, '{');

    const token = await createApiToken(t.store.db, 'prometheus', t.clock.now, 'read');
    const res = await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${token}` } });

    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toContain('sg_signals_total{result="accepted"} 3');
    expect(res.body).toContain('sg_findings_total{outcome="verdict_issued",reason="excessive_downloads"} 1');
    expect(res.body).toContain('sg_requests_refused_total{code="malformed_json"} 1');
    expect(res.body).toContain('sg_stream_connections 0');
    // What tests wait on instead of sleeping: the batch went through detection, none is in flight.
    expect(res.body).toContain('sg_detection_batches_total{result="ok"} 1');
    expect(res.body).toContain('sg_signal_batches_in_flight 0');
  });

  it('refuses /metrics without a bearer token: nothing, a forged or revoked one, or a dashboard cookie', async () => {
    const attempts = [{}, { authorization: 'Bearer sgt_forged' }, { cookie: 'sg_session=forged' }];

    const answers = await Promise.all(attempts.map((headers) => t.app.inject({ url: '/metrics', headers })));

    for (const res of answers) {
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer /);
      expect(res.body).not.toContain('sg_');
    }
  });

  it('serves /metrics to anyone with --public-metrics', async () => {
    const open = await createTestApp({ context: { publicMetrics: true } });
    try {
      const res = await open.app.inject({ url: '/metrics' });

      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('sg_stream_connections 0');
    } finally {
      await open.close();
    }
  });
});

describe('/readyz', () => {
  it('says ready and nothing else: no database, no Tor list source or path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sg-ready-'));
    const file = join(dir, 'secret-exit-list.txt');
    await writeFile(file, '185.220.101.9\n');
    const list = createTorExitList({ source: file });
    await list.start();
    const t = await createTestApp({ context: { torList: list } });
    try {
      const res = await t.app.inject({ url: '/readyz' });

      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ status: 'ready', slackIdentity: 'not_configured' });
      expect(res.body).not.toContain(dir);
    } finally {
      list.stop();
      await t.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('says not_ready, with no detail, when the store does not answer', async () => {
    const t = await createTestApp();
    await t.store.close();
    try {
      const res = await t.app.inject({ url: '/readyz' });

      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({ status: 'not_ready' });
    } finally {
      await t.app.close();
      await rm(t.dataDir, { recursive: true, force: true });
    }
  });
});
