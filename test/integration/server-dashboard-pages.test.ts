import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeBatch, fakeDownloadBurst, fakeHeartbeat } from '../fixtures/server/fake-signals';
import { fakeDevice } from '../fixtures/server/fake-device';
import { fakeFingerprint } from '../fixtures/server/fake-fingerprint';
import { postForm, signIn, type AdminSession } from './server-support/admin-session';
import { DIALECTS } from './server-support/test-store';
import { createTestApp, type TestApp } from './server-support/test-app';

const detectors = { excessive_downloads: { maxFiles: 2, maxBytes: 1e9, windowSeconds: 60 } };
const PAGES = ['/', '/verdicts', '/devices', '/findings', '/policy', '/audit', '/settings'];
const XSS = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">';

for (const dialect of DIALECTS) {
  describe(`dashboard pages (${dialect})`, () => {
    let t: TestApp;
    let session: AdminSession;
    beforeEach(async () => {
      t = await createTestApp({ dialect, policy: { detectors } });
      session = await signIn(t.app, t.store.db);
    });
    afterEach(async () => t.close());

    const page = (url: string) => t.app.inject({ method: 'GET', url, headers: { cookie: session.cookie } });

    it('serves every page with the CSP and security headers, no inline script or style, and labelled controls', async () => {
      for (const url of [...PAGES, '/login']) {
        const res = await (url === '/login' ? t.app.inject({ method: 'GET', url }) : page(url));

        expect(res.statusCode, url).toBe(200);
        expect(res.headers['content-security-policy']).toContain("script-src 'self'");
        expect(res.headers['content-security-policy']).not.toContain('unsafe-inline');
        expect(res.headers['x-frame-options']).toBe('DENY');
        expect(res.headers['x-content-type-options']).toBe('nosniff');
        expect(res.headers['cache-control']).toBe('no-store');
        expect(res.body, url).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
        expect(res.body, url).not.toMatch(/\sstyle=/);
        expect(res.body, url).not.toMatch(/\son[a-z]+=/);
        const ids = [...res.body.matchAll(/<(?:input|select|textarea)(?![^>]*type="hidden")[^>]*\sid="([^"]+)"/g)].map(
          (m) => m[1],
        );
        const unlabelled = [
          ...res.body.matchAll(/<(?:input|select|textarea)(?![^>]*type="hidden")(?![^>]*\sid=)[^>]*>/g),
        ];
        expect(unlabelled, url).toEqual([]);
        for (const id of ids) expect(res.body, `${url} #${id}`).toContain(`<label for="${id}"`);
      }
      for (const asset of ['/assets/live.js', '/assets/policy-editor.js', '/assets/format.js', '/dashboard.css']) {
        expect((await t.app.inject({ method: 'GET', url: asset })).statusCode, asset).toBe(200);
      }
      expect((await t.app.inject({ method: 'GET', url: '/assets/..%2Fhtml.ts' })).statusCode).toBe(404);
    });

    it('renders untrusted text from devices as text: user agent, fingerprint, evidence', async () => {
      const device = await fakeDevice();
      await t.enroll(device);
      await t.store.db.updateTable('devices').set({ user_agent: XSS }).where('id', '=', device.id).execute();
      const fingerprint = { ...fakeFingerprint(), webgl: { vendor: XSS, renderer: '"><svg onload=alert(1)>' } };
      await t.post(
        '/v1/signals',
        device,
        fakeBatch(device.id, [fakeHeartbeat({ at: t.clock.now, fingerprint }), ...fakeDownloadBurst(3, t.clock.now)], {
          sentAt: t.clock.now,
        }),
      );
      const [{ id }] = (
        await t.app.inject({ method: 'GET', url: '/api/verdicts', headers: { cookie: session.cookie } })
      ).json().verdicts;
      await t.store.db
        .updateTable('findings')
        .set({ summary: XSS, evidence: JSON.stringify({ note: XSS }) })
        .execute();

      for (const url of ['/devices', `/devices/${device.id}`, `/verdicts/${id}`, '/findings']) {
        const body = (await page(url)).body;
        expect(body, url).toContain('&lt;script&gt;window.__pwned=1&lt;/script&gt;');
        expect(body, url).not.toContain('<script>window.__pwned');
        expect(body, url).not.toContain('<img src=x');
        expect(body, url).not.toContain('<svg onload');
      }
    });

    it('shows the overview: policy mode, devices reporting vs enrolled, charts, and the Tor list as not configured', async () => {
      const device = await t.enroll();
      await t.post(
        '/v1/signals',
        device,
        fakeBatch(device.id, fakeDownloadBurst(3, t.clock.now), { sentAt: t.clock.now }),
      );

      const body = (await page('/')).body;

      expect(body).toContain('<span class="badge ok">enforce</span>');
      expect(body).toMatch(/id="devices-reporting">1 \/ 1</);
      expect(body).toContain('role="img" aria-labelledby="chart-verdicts-title chart-verdicts-desc"');
      expect(body).toContain('role="img" aria-labelledby="chart-latency-title chart-latency-desc"');
      expect(body).toContain('Total: 1.');
      expect(body).toContain('not configured');
      expect(body).toContain('data-live="verdicts"');
    });

    it('shows the Tor exit list age when a list source is configured', async () => {
      const withTor = await createTestApp({
        dialect,
        context: {
          torList: {
            status: () => ({
              source: '/etc/tor/exits.txt',
              loadedAt: Date.now() - 3 * 3_600_000,
              entries: 1234,
              stale: false,
            }),
          },
        },
      });
      try {
        const s = await signIn(withTor.app, withTor.store.db);
        const body = (await withTor.app.inject({ method: 'GET', url: '/', headers: { cookie: s.cookie } })).body;

        expect(body).toContain('3 h old');
        expect(body).toContain('1234 addresses');
      } finally {
        await withTor.close();
      }
    });

    it('edits the policy through a review step that shows the diff before saving, and keeps the history', async () => {
      const draft = JSON.stringify({ mode: 'monitor', detectors }, null, 2);
      const review = await postForm(t.app, '/policy/review', session, { _csrf: session.csrf, document: draft });
      const invalid = await postForm(t.app, '/policy/review', session, {
        _csrf: session.csrf,
        document: '{"mode":"sometimes"}',
      });
      const base = /name="baseVersion" value="(\d+)"/.exec(review.body)![1]!;
      const saved = await postForm(t.app, '/policy', session, {
        _csrf: session.csrf,
        document: draft,
        baseVersion: base,
      });
      const stale = await postForm(t.app, '/policy', session, {
        _csrf: session.csrf,
        document: draft.replace('monitor', 'enforce'),
        baseVersion: base,
      });

      expect(review.statusCode).toBe(200);
      expect(review.body).toContain(
        '<span class="remove"><span class="visually-hidden">removed: </span>-   &quot;mode&quot;: &quot;enforce&quot;,</span>',
      );
      expect(review.body).toContain(
        '<span class="add"><span class="visually-hidden">added: </span>+   &quot;mode&quot;: &quot;monitor&quot;,</span>',
      );
      expect(invalid.statusCode).toBe(400);
      expect(invalid.body).toContain('<code>mode</code>');
      expect(saved.statusCode).toBe(303);
      expect(saved.headers.location).toBe(`/policy?saved=${Number(base) + 1}`);
      expect(stale.statusCode).toBe(409);
      const history = (await page('/policy')).body;
      expect(history).toMatch(
        new RegExp(
          `v${Number(base) + 1}</a></td><td>[^<]+</td><td>dashboard:[0-9a-f]{8}</td>\\s*<td>monitor</td><td>mode</td>`,
        ),
      );
      expect((await page(`/policy/versions/${Number(base) + 1}`)).body).toContain('Changes from version');
    });

    it('shows on each page what the admin API answers for the same filter (one way in: the same actions)', async () => {
      const [first, second] = [await fakeDevice(), await fakeDevice()];
      for (const device of [first, second]) {
        await t.enroll(device);
        await t.post(
          '/v1/signals',
          device,
          fakeBatch(device.id, fakeDownloadBurst(3, t.clock.now), { sentAt: t.clock.now }),
        );
      }
      const api = async (url: string) =>
        (await t.app.inject({ method: 'GET', url, headers: { cookie: session.cookie } })).json();
      const attr = (body: string, name: string) =>
        [...body.matchAll(new RegExp(`${name}="([^"]+)"`, 'g'))].map((m) => m[1]);
      const device = first.id.slice(0, 12);

      const verdictsPage = (await page(`/verdicts?device=${device}`)).body;
      const findingsPage = (await page(`/findings?device=${device}`)).body;
      const auditPage = (await page('/audit?action=auth.sign_in')).body;
      const devicesPage = (await page('/devices')).body;

      const verdicts = (await api(`/api/verdicts?device=${device}`)).verdicts.map((v: { id: string }) => v.id);
      expect(verdicts).toHaveLength(1);
      expect(attr(verdictsPage, 'data-verdict-id')).toEqual(verdicts);
      const findings = (await api(`/api/findings?device=${device}`)).findings.map((f: { id: string }) => f.id);
      expect(findings.length).toBeGreaterThan(0);
      expect(attr(findingsPage, 'data-finding-id')).toEqual(findings);
      const signIns = (await api('/api/audit?action=auth.sign_in')).entries;
      expect(signIns.length).toBeGreaterThan(0);
      expect(auditPage.match(/<code>auth\.sign_in<\/code>/g)).toHaveLength(signIns.length);
      const devices = (await api('/api/devices')).devices.map(
        (d: { id: string }) => `/devices/${encodeURIComponent(d.id)}`,
      );
      expect(devices).toHaveLength(2);
      expect([...new Set(attr(devicesPage, 'href').filter((h) => devices.includes(h)))]).toEqual(devices);
    });

    it('revokes a device from its page and lists the action in the audit log', async () => {
      const device = await t.enroll();

      const res = await postForm(t.app, `/devices/${device.id}/revoke`, session, { _csrf: session.csrf });

      expect(res.statusCode).toBe(303);
      expect((await page('/devices?revoked=1')).body).toContain('<span class="badge bad">revoked</span>');
      const audit = (await page('/audit')).body;
      expect(audit).toContain('<code>device.revoke</code>');
      expect(audit).toContain('<code>auth.sign_in</code>');
    });

    it('creates a token and a webhook from the Integrations page, showing each secret once', async () => {
      const token = await postForm(t.app, '/settings/tokens', session, { _csrf: session.csrf, label: 'splunk' });
      const hook = await postForm(t.app, '/settings/webhooks', session, {
        _csrf: session.csrf,
        url: 'https://siem.example.com/hook',
        events: ['verdict.issued', 'finding.recorded'],
      });
      const later = (await page('/settings')).body;

      const secret = /id="new-secret-value">(sgt_[^<]+)</.exec(token.body)![1];
      const whsec = /id="new-secret-value">(whsec_[^<]+)</.exec(hook.body)![1];
      expect(
        (await t.app.inject({ method: 'GET', url: '/api/verdicts', headers: { authorization: `Bearer ${secret}` } }))
          .statusCode,
      ).toBe(200);
      expect(later).not.toContain(secret);
      expect(later).not.toContain(whsec);
      expect(later).toContain('verdict.issued, finding.recorded');
    });
  });
}

for (const dialect of DIALECTS) {
  describe(`live feed (server-sent events) (${dialect})`, () => {
    it('streams a new verdict, then the same verdict again with its ack', async () => {
      const t = await createTestApp({ dialect, policy: { detectors }, context: { now: Date.now } });
      try {
        const session = await signIn(t.app, t.store.db);
        await t.app.listen({ port: 0, host: '127.0.0.1' });
        const port = (t.app.server.address() as AddressInfo).port;
        const response = await fetch(`http://127.0.0.1:${port}/api/events?since=${Date.now()}`, {
          headers: { cookie: session.cookie },
        });
        expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
        expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
        const reader = response.body!.getReader();
        let text = '';
        const readUntil = async (pattern: RegExp) => {
          const end = Date.now() + 10_000;
          while (!pattern.test(text) && Date.now() < end) text += new TextDecoder().decode((await reader.read()).value);
          return pattern.exec(text);
        };

        const device = await t.enroll();
        await t.post(
          '/v1/signals',
          device,
          fakeBatch(device.id, fakeDownloadBurst(3, Date.now()), { sentAt: Date.now() }),
        );
        const first = await readUntil(/event: verdict\nid: ([0-9a-f-]{36})\ndata: (.+)\n\n/);
        const verdict = JSON.parse(first![2]!);
        await t.post('/v1/acks', device, {
          deviceId: device.id,
          verdictId: verdict.id,
          nonce: randomUUID(),
          sentAt: Date.now(),
          outcome: 'executed',
          via: 'websocket',
          cookiesCleared: 3,
          timings: { receivedAt: 1, verifiedAt: 2, clearedAt: 3, ackSentAt: 4 },
        });
        const acked = await readUntil(/event: verdict\nid: [0-9a-f-]{36}\ndata: (.+"outcome":"executed".+)\n\n/);
        await reader.cancel();

        expect(verdict).toMatchObject({ deviceId: device.id, reasons: ['excessive_downloads'], ack: null });
        expect(JSON.parse(acked![1]!)).toMatchObject({ id: verdict.id, ack: { outcome: 'executed' } });
        expect(text).toContain('event: finding');
        expect((await fetch(`http://127.0.0.1:${port}/api/events`)).status).toBe(401);
      } finally {
        await t.close();
      }
    });
  });
}
