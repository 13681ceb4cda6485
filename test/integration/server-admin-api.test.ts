import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApiToken } from '../../src/server/auth/admin-auth';
import { ADMIN_ROUTES } from '../../src/server/routes/admin-api';
import { openApiPath } from '../../src/server/routes/admin-route';
import type { FakeDevice } from '../fixtures/server/fake-device';
import { fakeFingerprint } from '../fixtures/server/fake-fingerprint';
import { fakeBatch, fakeDownloadBurst, fakeHeartbeat } from '../fixtures/server/fake-signals';
import { DIALECTS } from './server-support/test-store';
import { createTestApp, type TestApp } from './server-support/test-app';

const POLICY = { detectors: { excessive_downloads: { maxFiles: 2, maxBytes: 1e9, windowSeconds: 60 } } };

const FINGERPRINT = fakeFingerprint();

for (const dialect of DIALECTS) {
  describe(`admin API (${dialect})`, () => {
    let t: TestApp;
    let device: FakeDevice;
    let bearer: { authorization: string };
    beforeEach(async () => {
      t = await createTestApp({ dialect, policy: POLICY });
      bearer = { authorization: `Bearer ${await createApiToken(t.store.db, 'siem', Date.now())}` };
      device = await t.enroll();
    });
    afterEach(async () => t.close());

    const get = (url: string) => t.app.inject({ method: 'GET', url, headers: bearer });
    // Each device its own Slack session: one session on two devices is a finding of its own.
    const trigger = (d = device, at = t.clock.now) =>
      t.post(
        '/v1/signals',
        d,
        fakeBatch(
          d.id,
          fakeDownloadBurst(3, at).map((s) => ({ ...s, sessionKey: d === device ? 'a'.repeat(64) : 'b'.repeat(64) })),
          { sentAt: t.clock.now },
        ),
      );
    const ack = (verdictId: string, d = device) =>
      t.post('/v1/acks', d, {
        deviceId: d.id,
        verdictId,
        nonce: randomUUID(),
        sentAt: t.clock.now,
        outcome: 'executed',
        via: 'websocket',
        cookiesCleared: 5,
        timings: { receivedAt: 1000, verifiedAt: 1004, clearedAt: 1030, ackSentAt: 1031 },
      });

    it('filters verdicts by device prefix, user, reason and time', async () => {
      const other = await t.enroll();
      await trigger();
      t.clock.now += 3_600_000;
      await trigger(other);
      await t.store.db.updateTable('devices').set({ user_id: 'U0OTHER1' }).where('id', '=', other.id).execute();

      const byDevice = (await get(`/api/verdicts?device=${device.id.slice(0, 10)}`)).json().verdicts;
      const byUser = (await get('/api/verdicts?user=U0OTHER1')).json().verdicts;
      const byReason = (await get('/api/verdicts?reason=tor')).json().verdicts;
      const byTime = (await get(`/api/verdicts?to=${new Date(t.clock.now - 1_800_000).toISOString()}`)).json().verdicts;
      const all = (await get('/api/verdicts?reason=excessive_downloads')).json().verdicts;

      expect(byDevice.map((v: { deviceId: string }) => v.deviceId)).toEqual([device.id]);
      expect(byUser.map((v: { deviceId: string; userId: string }) => [v.deviceId, v.userId])).toEqual([
        [other.id, 'U0OTHER1'],
      ]);
      expect(byReason).toEqual([]);
      expect(byTime.map((v: { deviceId: string }) => v.deviceId)).toEqual([device.id]);
      expect(all).toHaveLength(2);
    });

    it('refuses a malformed filter with 400 naming the field', async () => {
      const res = await get('/api/verdicts?reason=bogus&from=yesterday');

      expect(res.statusCode).toBe(400);
      expect(
        res
          .json()
          .issues.map((i: { path: string }) => i.path)
          .sort(),
      ).toEqual(['from', 'reason']);
      expect((await get('/api/verdicts?user=%25')).statusCode).toBe(400);
    });

    it('opens a verdict to its evidence, the signals behind it, the policy version and the ack with timings', async () => {
      await trigger();
      const [{ id }] = (await get('/api/verdicts')).json().verdicts;
      await ack(id);

      const detail = (await get(`/api/verdicts/${id}`)).json();

      expect(detail.verdict).toMatchObject({
        id,
        deviceId: device.id,
        reasons: ['excessive_downloads'],
        ack: { outcome: 'executed', cookiesCleared: 5 },
      });
      expect(detail.finding.evidence).toMatchObject({ files: 3, maxFiles: 2, windowSeconds: 60 });
      expect(detail.detector).toMatchObject({ severity: 'high', attack: expect.arrayContaining(['T1530']) });
      expect(detail.signals.map((s: { type: string }) => s.type)).toEqual(['download', 'download', 'download']);
      expect(detail.signals.map((s: { id: string }) => s.id)).toContain(detail.finding.signalId);
      expect(detail.policy).toMatchObject({
        version: detail.verdict.policyVersion,
        createdBy: 'test',
        policy: { detectors: { excessive_downloads: { maxFiles: 2 } } },
      });
      expect(detail.verdict.ack.timings).toEqual({
        receivedAt: 1000,
        verifiedAt: 1004,
        clearedAt: 1030,
        ackSentAt: 1031,
      });
      expect(JSON.parse(detail.signed.payload).id).toBe(id);
      expect((await get(`/api/verdicts/${randomUUID()}`)).statusCode).toBe(404);
    });

    it('lists devices with their fingerprint summary and egress address, and one with its sessions', async () => {
      await t.post(
        '/v1/signals',
        device,
        fakeBatch(device.id, [fakeHeartbeat({ at: t.clock.now, fingerprint: FINGERPRINT })], { sentAt: t.clock.now }),
      );

      const [listed] = (await get('/api/devices')).json().devices;
      const one = (await get(`/api/devices/${device.id}`)).json();

      expect(listed).toMatchObject({
        id: device.id,
        lastIp: '127.0.0.1',
        revokedAt: null,
        fingerprint: {
          browser: 'Chromium 156.0.8078.73',
          platform: 'Linux 6.1.0',
          timezone: 'Europe/Paris',
          languages: ['en-GB', 'fr'],
          gpu: 'Mesa / llvmpipe',
        },
      });
      expect(one.sessions).toEqual([expect.objectContaining({ sessionKey: 'a'.repeat(64), signals: 1 })]);
    });

    it('revokes a device: audited, and its key is refused from then on, re-enrolling too', async () => {
      const res = await t.app.inject({ method: 'POST', url: `/api/devices/${device.id}/revoke`, headers: bearer });

      expect(res.statusCode).toBe(200);
      const refused = await trigger();
      expect(refused.statusCode).toBe(403);
      expect(refused.json().error).toBe('device_revoked');
      await expect(t.enroll(device)).rejects.toThrow(/403/);
      expect((await get('/api/devices')).json().devices[0]).toMatchObject({
        revokedAt: t.clock.now,
        revokedBy: 'token:siem',
      });
      expect((await get('/api/audit')).json().entries[0]).toMatchObject({
        action: 'device.revoke',
        actor: 'token:siem',
        target: device.id,
      });
      expect(
        (await t.app.inject({ method: 'POST', url: '/api/devices/nope/revoke', headers: bearer })).statusCode,
      ).toBe(404);
    });

    it('validates a draft policy against the schema and diffs it, then keeps the history with who changed what', async () => {
      const badJson = (
        await t.app.inject({
          method: 'POST',
          url: '/api/policy/preview',
          payload: { document: '{"mode":' },
          headers: bearer,
        })
      ).json();
      const badField = (
        await t.app.inject({
          method: 'POST',
          url: '/api/policy/preview',
          payload: { document: '{"detectors":{"tor":{"enabled":"yes"}}}' },
          headers: bearer,
        })
      ).json();
      const draft = JSON.stringify({ ...POLICY, mode: 'monitor' });
      const good = (
        await t.app.inject({
          method: 'POST',
          url: '/api/policy/preview',
          payload: { document: draft },
          headers: bearer,
        })
      ).json();
      await t.app.inject({ method: 'PUT', url: '/api/policy', payload: JSON.parse(draft), headers: bearer });

      const { versions } = (await get('/api/policy/versions')).json();
      const saved = (await get(`/api/policy/versions/${versions[0].version}`)).json();

      expect(badJson).toMatchObject({
        valid: false,
        issues: [{ path: '(document)', message: expect.stringContaining('not valid JSON') }],
      });
      expect(badField).toMatchObject({ valid: false, issues: [{ path: 'detectors.tor.enabled' }] });
      expect(good).toMatchObject({ valid: true, changes: ['mode'] });
      expect(good.diff.filter((l: { op: string }) => l.op !== 'same')).toEqual([
        { op: 'remove', text: '  "mode": "enforce",' },
        { op: 'add', text: '  "mode": "monitor",' },
      ]);
      expect(versions[0]).toMatchObject({ createdBy: 'token:siem', changes: ['mode'], policy: { mode: 'monitor' } });
      expect(saved.diff.filter((l: { op: string }) => l.op !== 'same')).toEqual(
        good.diff.filter((l: { op: string }) => l.op !== 'same'),
      );
      expect((await get('/api/audit?action=policy.update')).json().entries[0]).toMatchObject({
        actor: 'token:siem',
        details: { changes: ['mode'] },
      });
    });

    it('reports verdicts by reason, enrolled and reporting devices, and latency in /metrics', async () => {
      await trigger();
      const [{ id }] = (await get('/api/verdicts')).json().verdicts;
      await ack(id);

      const metrics = (await get('/metrics')).body;

      expect(metrics).toContain('sg_verdicts_total{reason="excessive_downloads"} 1');
      expect(metrics).toContain('sg_devices_enrolled 1');
      expect(metrics).toContain('sg_devices_reporting 1');
      expect(metrics).toContain('sg_detection_to_response_ms_count 1');
      expect(metrics).toMatch(/sg_signals_total\{result="accepted"\} 3/);
    });
  });
}

describe('/openapi.json', () => {
  it('documents every admin route, with its query parameters generated from the zod schemas', async () => {
    const t = await createTestApp();
    try {
      const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();

      for (const route of ADMIN_ROUTES)
        expect(
          doc.paths[openApiPath(route.path)]?.[route.method.toLowerCase()],
          `${route.method} ${route.path}`,
        ).toBeDefined();
      const reason = doc.paths['/api/verdicts'].get.parameters.find((p: { name: string }) => p.name === 'reason');
      expect(reason.schema.enum).toContain('excessive_downloads');
      expect(doc.paths['/api/verdicts/{id}'].get.parameters[0]).toMatchObject({
        name: 'id',
        in: 'path',
        required: true,
      });
      expect(doc.paths['/api/exports/findings.ocsf.json'].get.responses[200].content).toHaveProperty(
        'application/json',
      );
      expect(doc.paths['/api/events'].get.responses[200].content).toHaveProperty('text/event-stream');
      expect(doc.paths['/api/policy'].put.requestBody.content['application/json'].schema.properties).toHaveProperty(
        'mode',
      );
    } finally {
      await t.close();
    }
  });
});
