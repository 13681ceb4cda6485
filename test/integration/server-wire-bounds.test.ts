/**
 * Every number on the wire is bounded (issue #10): a value past a bound is refused with a
 * clear error and stores nothing, and the most extreme values the schema accepts, once
 * stored, go through every dashboard page, every export and every detector without a throw.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_TIMESTAMP_MS } from '../../src/shared/protocol/bounds';
import type { Signal } from '../../src/shared/protocol/signals';
import { fakeDevice, type FakeDevice } from '../fixtures/server/fake-device';
import { fakeFingerprint } from '../fixtures/server/fake-fingerprint';
import { signIn, type AdminSession } from './server-support/admin-session';
import { createTestApp, type TestApp } from './server-support/test-app';
import { DIALECTS, snapshot } from './server-support/test-store';

const KEY = 'c'.repeat(64);
const ALL_TERMINATE = {
  mode: 'enforce' as const,
  detectors: {
    excessive_downloads: { maxFiles: 1, maxBytes: 1, windowSeconds: 60 },
    unexpected_api_call_volume: { action: 'terminate' as const, maxCallsPerMinute: 1 },
    session_cookie_injection: { action: 'terminate' as const },
    session_fingerprint: { action: 'terminate' as const },
  },
};

for (const dialect of DIALECTS) {
  describe(`bounds on the wire (${dialect})`, () => {
    let t: TestApp;
    let device: FakeDevice;
    let admin: AdminSession;
    beforeEach(async () => {
      t = await createTestApp({ dialect, policy: ALL_TERMINATE });
      device = await t.enroll(await fakeDevice());
      admin = await signIn(t.app, t.store.db);
    });
    afterEach(async () => t.close());

    const batch = (signals: unknown[], sentAt = t.clock.now) => ({
      deviceId: device.id,
      batchId: randomUUID(),
      sentAt,
      signals,
    });
    const base = () => ({ id: randomUUID(), at: t.clock.now, sessionKey: KEY });

    it('refuses each value past its bound with a clear error and stores nothing', async () => {
      const before = await snapshot(t.store);
      const beyond: [string, unknown][] = [
        ['bytes', { ...base(), type: 'download', source: 'web_request', host: 'files.slack.com', bytes: 2 ** 40 + 1 }],
        [
          'count',
          { ...base(), type: 'api_calls', method: 'chat.delete', count: 1_000_001, windowStart: 0, windowMs: 1 },
        ],
        ['at', { ...base(), type: 'heartbeat', at: MAX_TIMESTAMP_MS + 1 }],
        ['at', { ...base(), type: 'heartbeat', at: -1 }],
        [
          'hardwareConcurrency',
          { ...base(), type: 'heartbeat', fingerprint: fakeFingerprint({ hardwareConcurrency: 1e9 }) },
        ],
        [
          'width',
          {
            ...base(),
            type: 'heartbeat',
            fingerprint: fakeFingerprint({ screen: { width: 1e12, height: 1, colorDepth: 24, pixelRatio: 1 } }),
          },
        ],
        [
          'dsTimestamp',
          { ...base(), type: 'session_cookie', change: 'appeared', lastSigninAt: null, dsTimestamp: 1e300 },
        ],
      ];

      for (const [field, signal] of beyond) {
        const res = await t.post('/v1/signals', device, batch([signal]));

        expect(res.statusCode, field).toBe(400);
        expect(res.body, field).toContain(field);
      }
      const unboundedSentAt = await t.post('/v1/signals', device, batch([{ ...base(), type: 'heartbeat' }], 1e300));
      expect(unboundedSentAt.statusCode).toBe(400);
      expect(await snapshot(t.store)).toEqual(before);
    });

    it('stores the most extreme accepted values and serves every page and export over them', async () => {
      const extreme: Signal[] = [
        { ...base(), type: 'download', source: 'downloads_api', host: 'files.slack.com', bytes: 2 ** 40 },
        { ...base(), type: 'download', source: 'web_request', host: 'files.slack.com', bytes: 2 ** 40 },
        {
          ...base(),
          type: 'api_calls',
          method: 'conversations.history',
          count: 1_000_000,
          windowStart: 0,
          windowMs: 1,
        },
        {
          ...base(),
          type: 'heartbeat',
          fingerprint: fakeFingerprint({
            hardwareConcurrency: 4096,
            deviceMemory: 1_048_576,
            screen: { width: 100_000, height: 100_000, colorDepth: 64, pixelRatio: 100 },
            languages: Array.from({ length: 20 }, () => 'x'.repeat(35)),
          }),
        },
        {
          ...base(),
          type: 'session_cookie',
          change: 'appeared',
          lastSigninAt: 0,
          dsTimestamp: MAX_TIMESTAMP_MS / 1000,
        },
      ];

      const res = await t.post('/v1/signals', device, batch(extreme));

      expect(res.statusCode).toBe(200);
      const findings = await t.store.db.selectFrom('findings').select(['reason', 'verdict_id']).execute();
      expect(findings.map((f) => f.reason).sort()).toEqual([
        'excessive_downloads',
        'session_cookie_injection',
        'unexpected_api_call_volume',
      ]);
      const verdictId = findings.find((f) => f.verdict_id)!.verdict_id!;
      const pages = ['/', '/verdicts', `/verdicts/${verdictId}`, '/devices', '/findings', '/policy', '/audit'];
      const exports = ['verdicts.csv', 'verdicts.json', 'findings.csv', 'findings.json', 'findings.ocsf.json'];
      for (const url of [...pages, ...exports.map((e) => `/api/exports/${e}`), '/api/findings', '/api/devices']) {
        const page = await t.app.inject({ method: 'GET', url, headers: { cookie: admin.cookie } });
        expect(page.statusCode, url).toBe(200);
      }
    });
  });
}
