import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SignalBatchResult } from '../../src/shared/protocol/signals';
import { DEVICE_HEADER, SIGNATURE_HEADER } from '../../src/shared/protocol/device';
import { fakeDevice, signedHeaders, type FakeDevice } from '../fixtures/server/fake-device';
import { fakeBatch, fakeDownload, fakeHeartbeat } from '../fixtures/server/fake-signals';
import { DIALECTS, snapshot } from './server-support/test-store';
import { createTestApp, type TestApp } from './server-support/test-app';

for (const dialect of DIALECTS) {
  describe(`POST /v1/signals (${dialect})`, () => {
    let t: TestApp;
    let device: FakeDevice;
    beforeEach(async () => {
      t = await createTestApp({ dialect });
      device = await t.enroll();
    });
    afterEach(async () => t.close());

    async function expectRejected(
      send: () => Promise<{ statusCode: number; json(): any }>,
      status: number,
      error?: string,
    ) {
      const before = await snapshot(t.store);

      const res = await send();

      expect(res.statusCode).toBe(status);
      if (error) expect(res.json().error).toBe(error);
      expect(await snapshot(t.store)).toEqual(before);
      return res;
    }

    it('stores a signed batch with the source address and reports how many were accepted', async () => {
      const batch = fakeBatch(device.id, [fakeHeartbeat(), fakeDownload({ bytes: 1234 })]);

      const res = await t.post('/v1/signals', device, batch);

      expect(res.statusCode).toBe(200);
      expect(SignalBatchResult.parse(res.json())).toEqual({ accepted: 2, duplicates: 0 });
      const rows = await t.store.db.selectFrom('signals').selectAll().orderBy('type').execute();
      expect(rows.map((r) => r.type)).toEqual(['download', 'heartbeat']);
      expect(rows[0]).toMatchObject({
        device_id: device.id,
        batch_id: batch.batchId,
        bytes: 1234,
        source_ip: '127.0.0.1',
      });
      expect(JSON.parse(rows[0]!.data)).toEqual(batch.signals[1]);
    });

    it('counts signals it already has as duplicates and skips them', async () => {
      const known = fakeHeartbeat();
      await t.post('/v1/signals', device, fakeBatch(device.id, [known]));

      const res = await t.post('/v1/signals', device, fakeBatch(device.id, [known, fakeHeartbeat()]));

      expect(res.json()).toEqual({ accepted: 1, duplicates: 1 });
      expect((await snapshot(t.store)).signals).toBe(2);
    });

    it('refuses a replayed batchId with 409', async () => {
      const batch = fakeBatch(device.id, [fakeHeartbeat()]);
      await t.post('/v1/signals', device, batch);

      await expectRejected(
        () => t.post('/v1/signals', device, { ...batch, signals: [fakeHeartbeat()] }),
        409,
        'replayed_batch',
      );
    });

    it('refuses a body signed by another key with 401', async () => {
      const intruder = await fakeDevice();

      await expectRejected(
        () => t.post('/v1/signals', device, fakeBatch(device.id, [fakeHeartbeat()]), intruder),
        401,
        'bad_signature',
      );
    });

    it('refuses a signature over different bytes than were sent', async () => {
      const body = JSON.stringify(fakeBatch(device.id, [fakeHeartbeat()]));
      const headers = await signedHeaders(device, body);

      await expectRejected(
        () => t.app.inject({ method: 'POST', url: '/v1/signals', payload: `${body} `, headers }),
        401,
        'bad_signature',
      );
    });

    it('refuses a request without a signature header', async () => {
      const payload = JSON.stringify(fakeBatch(device.id, [fakeHeartbeat()]));

      await expectRejected(
        () =>
          t.app.inject({
            method: 'POST',
            url: '/v1/signals',
            payload,
            headers: { 'content-type': 'application/json', [DEVICE_HEADER]: device.id },
          }),
        401,
        'missing_signature',
      );
    });

    it('refuses an unknown device with 401 and says to enroll', async () => {
      const stranger = await fakeDevice();

      const res = await expectRejected(
        () => t.post('/v1/signals', stranger, fakeBatch(stranger.id, [fakeHeartbeat()])),
        401,
        'unknown_device',
      );

      expect(res.json().message).toMatch(/enroll/);
    });

    it('refuses a batch naming another device than the header', async () => {
      const other = await t.enroll();

      await expectRejected(
        () => t.post('/v1/signals', device, fakeBatch(other.id, [fakeHeartbeat()])),
        401,
        'device_mismatch',
      );
    });

    it('refuses a batch whose sentAt is outside the clock skew', async () => {
      const batch = fakeBatch(device.id, [fakeHeartbeat()], { sentAt: t.clock.now - 6 * 60_000 });

      await expectRejected(() => t.post('/v1/signals', device, batch), 401, 'stale_request');
    });

    it('answers malformed JSON with 400', async () => {
      await expectRejected(() => t.post('/v1/signals', device, '{"deviceId": '), 400, 'malformed_json');
    });

    it('answers wrong types with 400 and the zod issues', async () => {
      const batch = fakeBatch(device.id, [fakeDownload({ bytes: 'many' as unknown as number })]);

      const res = await expectRejected(() => t.post('/v1/signals', device, batch), 400, 'invalid_body');

      expect(res.json().issues).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'signals.0.bytes' })]));
    });

    it('answers a body over 256 KiB with 413', async () => {
      const batch = fakeBatch(device.id, [fakeHeartbeat()], { extensionVersion: 'x'.repeat(300 * 1024) });

      await expectRejected(() => t.post('/v1/signals', device, batch), 413);
    });

    it('keeps the exact bytes: a signed body with unusual spacing and unicode verifies', async () => {
      const body = `{ "deviceId" : "${device.id}", "batchId": "${randomUUID()}", "sentAt": ${t.clock.now}, "extensionVersion": "0.1-ü",\n "signals": [${JSON.stringify(fakeHeartbeat())}] }`;

      const res = await t.post('/v1/signals', device, body);

      expect(res.statusCode).toBe(200);
    });

    it('answers CORS preflight for the extension origin only, with the custom headers', async () => {
      const preflight = (origin: string) =>
        t.app.inject({
          method: 'OPTIONS',
          url: '/v1/signals',
          headers: {
            origin,
            'access-control-request-method': 'POST',
            'access-control-request-headers': `${DEVICE_HEADER},${SIGNATURE_HEADER}`,
          },
        });

      const ok = await preflight('chrome-extension://abcdefghijklmnopabcdefghijklmnop');
      const other = await preflight('https://evil.example');

      expect(ok.headers['access-control-allow-origin']).toBe('chrome-extension://abcdefghijklmnopabcdefghijklmnop');
      expect(String(ok.headers['access-control-allow-headers'])).toContain('x-sg-signature');
      expect(String(ok.headers['access-control-allow-headers'])).toContain('x-sg-device');
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    });
  });
}
