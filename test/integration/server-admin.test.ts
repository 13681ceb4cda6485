import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApiToken } from '../../src/server/auth/admin-auth';
import { ensureAdminPassword } from '../../src/server/auth/admin-password';
import type { FakeDevice } from '../fixtures/server/fake-device';
import { fakeBatch, fakeDownloadBurst } from '../fixtures/server/fake-signals';
import { DIALECTS } from './server-support/test-store';
import { createTestApp, type TestApp } from './server-support/test-app';

const PASSWORD = 'correct horse battery staple';

for (const dialect of DIALECTS) {
  describe(`admin API and dashboard (${dialect})`, () => {
    let t: TestApp;
    let token: string;
    let device: FakeDevice;
    beforeEach(async () => {
      t = await createTestApp({
        dialect,
        policy: { detectors: { excessive_downloads: { maxFiles: 2, maxBytes: 1e9, windowSeconds: 60 } } },
      });
      token = await createApiToken(t.store.db, 'siem', Date.now());
      await ensureAdminPassword(t.store.db, { SESSION_GUARD_ADMIN_PASSWORD: PASSWORD }, Date.now());
      device = await t.enroll();
    });
    afterEach(async () => t.close());

    const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers });
    const bearer = () => ({ authorization: `Bearer ${token}` });
    async function signIn(password = PASSWORD) {
      return t.app.inject({
        method: 'POST',
        url: '/login',
        payload: new URLSearchParams({ password }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
    }
    async function sessionCookie() {
      const res = await signIn();
      return String(res.headers['set-cookie']).split(';')[0]!;
    }
    const trigger = () =>
      t.post('/v1/signals', device, fakeBatch(device.id, fakeDownloadBurst(3, t.clock.now), { sentAt: t.clock.now }));

    it.each(['/api/verdicts', '/api/findings', '/api/devices', '/api/policy'])(
      'refuses %s without credentials (401)',
      async (url) => {
        expect((await get(url)).statusCode).toBe(401);
        expect((await get(url, { authorization: 'Bearer sgt_not-a-real-token' })).statusCode).toBe(401);
        expect((await get(url, { cookie: 'sg_session=forged' })).statusCode).toBe(401);
      },
    );

    it('lists verdicts with reason, device, times and the ack for a bearer token', async () => {
      await trigger();
      const {
        verdicts: [pending],
      } = (await get('/api/verdicts', bearer())).json();
      await t.post('/v1/acks', device, {
        deviceId: device.id,
        verdictId: pending.id,
        nonce: randomUUID(),
        sentAt: t.clock.now,
        outcome: 'executed',
        via: 'websocket',
        cookiesCleared: 4,
        timings: { receivedAt: 10, verifiedAt: 12, clearedAt: 30, ackSentAt: 31 },
      });

      const res = await get('/api/verdicts', bearer());

      expect(res.statusCode).toBe(200);
      const [verdict] = res.json().verdicts;
      expect(verdict).toMatchObject({
        id: pending.id,
        deviceId: device.id,
        reasons: ['excessive_downloads'],
        action: 'terminate',
        issuedAt: t.clock.now,
        detectedAt: t.clock.now,
        ack: { outcome: 'executed', via: 'websocket', cookiesCleared: 4, timings: { clearedAt: 30, ackSentAt: 31 } },
      });
      expect(typeof verdict.ack.latencyMs).toBe('number');
    });

    it('lists findings, including monitor-mode ones, with policy version, mode and evidence', async () => {
      const version = await t.setPolicy({
        mode: 'monitor',
        detectors: { excessive_downloads: { maxFiles: 2, maxBytes: 1e9, windowSeconds: 60 } },
      });
      await trigger();

      const res = await get('/api/findings', bearer());

      expect(res.json().findings).toEqual([
        expect.objectContaining({
          reason: 'excessive_downloads',
          mode: 'monitor',
          policyVersion: version,
          outcome: 'would_terminate',
          deviceId: device.id,
          evidence: expect.objectContaining({ files: 3 }),
        }),
      ]);
    });

    it('lists devices with how many signals each has sent', async () => {
      await trigger();

      const res = await get('/api/devices', bearer());

      expect(res.json().devices).toEqual([
        expect.objectContaining({ id: device.id, extensionVersion: '0.1.0', signalCount: 3 }),
      ]);
    });

    it('updates the policy as a new version, and not when nothing changed', async () => {
      const before = (await get('/api/policy', bearer())).json();
      const doc = { mode: 'monitor', cooldownSeconds: 60 };

      const put = await t.app.inject({ method: 'PUT', url: '/api/policy', payload: doc, headers: bearer() });
      const again = await t.app.inject({ method: 'PUT', url: '/api/policy', payload: doc, headers: bearer() });

      expect(put.statusCode).toBe(200);
      expect(put.json()).toMatchObject({
        version: before.version + 1,
        changed: true,
        createdBy: 'token:siem',
        policy: { mode: 'monitor', cooldownSeconds: 60 },
      });
      expect(again.json()).toMatchObject({ version: before.version + 1, changed: false });
      expect((await get('/api/policy', bearer())).json().policy.mode).toBe('monitor');
    });

    it('refuses an invalid policy with 400 naming the field', async () => {
      const res = await t.app.inject({
        method: 'PUT',
        url: '/api/policy',
        payload: { detectors: { excessive_downloads: { maxFiles: 'lots' } } },
        headers: bearer(),
      });

      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({
        error: 'invalid_policy',
        message: expect.stringContaining('detectors.excessive_downloads.maxFiles'),
      });
    });

    it('shows a sign-in form with a "Password" field and a "Sign in" button, with security headers', async () => {
      const res = await get('/login');

      expect(res.statusCode).toBe(200);
      expect(res.body).toMatch(/<label for="password">Password<\/label>/);
      expect(res.body).toMatch(/<input id="password" name="password" type="password"/);
      expect(res.body).toMatch(/<button type="submit">Sign in<\/button>/);
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    });

    it('refuses a wrong password', async () => {
      const res = await signIn('wrong');

      expect(res.statusCode).toBe(401);
      expect(res.headers['set-cookie']).toBeUndefined();
    });

    it('signs in with the password: an HttpOnly SameSite=Strict cookie, then the verdicts page and the API', async () => {
      await trigger();

      const res = await signIn();
      const cookie = String(res.headers['set-cookie']).split(';')[0]!;

      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/');
      expect(String(res.headers['set-cookie'])).toMatch(/HttpOnly/);
      expect(String(res.headers['set-cookie'])).toMatch(/SameSite=Strict/);
      const page = await get('/', { cookie });
      expect(page.statusCode).toBe(200);
      expect(page.body).toMatch(/<th[^>]*>Detection-to-response latency<\/th>/);
      expect(page.body).toContain('<code>excessive_downloads</code>');
      expect(page.body).toContain(device.id);
      expect((await get('/api/verdicts', { cookie })).statusCode).toBe(200);
    });

    it('sends the dashboard to the sign-in page without a session, and signs out', async () => {
      const cookie = await sessionCookie();

      const anonymous = await get('/');
      const csrf = /name="csrf-token" content="([^"]+)"/.exec((await get('/', { cookie })).body)![1]!;
      await t.app.inject({
        method: 'POST',
        url: '/logout',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: `_csrf=${csrf}`,
      });

      expect(anonymous.statusCode).toBe(303);
      expect(anonymous.headers.location).toBe('/login');
      expect((await get('/api/verdicts', { cookie })).statusCode).toBe(401);
    });

    it('answers the probes', async () => {
      expect((await get('/healthz')).json()).toEqual({ status: 'ok' });
      expect((await get('/readyz')).json()).toEqual({ status: 'ready', slackIdentity: 'not_configured' });
    });
  });
}
