import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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

  it('counts signals, findings and refusals in Prometheus format', async () => {
    const device = await t.enroll();
    await t.post(
      '/v1/signals',
      device,
      fakeBatch(device.id, fakeDownloadBurst(3, t.clock.now), { sentAt: t.clock.now }),
    );
    await t.post('/v1/signals', device, '{');

    const res = await t.app.inject({ method: 'GET', url: '/metrics' });

    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toContain('sg_signals_total{result="accepted"} 3');
    expect(res.body).toContain('sg_findings_total{outcome="verdict_issued",reason="excessive_downloads"} 1');
    expect(res.body).toContain('sg_requests_refused_total{code="malformed_json"} 1');
    expect(res.body).toContain('sg_stream_connections 0');
  });
});
