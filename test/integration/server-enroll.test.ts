import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EnrollResponse } from '../../src/shared/protocol/device';
import { enrollRequest, fakeDevice, signedHeaders } from '../fixtures/server/fake-device';
import { DIALECTS, snapshot } from './server-support/test-store';
import { createTestApp, type TestApp } from './server-support/test-app';

for (const dialect of DIALECTS) {
  describe(`POST /v1/enroll (${dialect})`, () => {
    let t: TestApp;
    beforeEach(async () => {
      t = await createTestApp({ dialect });
    });
    afterEach(async () => t.close());

    async function enroll(body: object, signWith?: Awaited<ReturnType<typeof fakeDevice>>) {
      const device = await fakeDevice();
      const payload = JSON.stringify(body);
      const headers = await signedHeaders(signWith ?? device, payload);
      return t.app.inject({ method: 'POST', url: '/v1/enroll', payload, headers });
    }

    it('enrolls a device that holds its key and knows the token, naming it by the key thumbprint', async () => {
      const device = await fakeDevice();
      const payload = JSON.stringify(enrollRequest(device, t.store.secrets.enrollmentToken));

      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/enroll',
        payload,
        headers: await signedHeaders(device, payload),
      });

      expect(res.statusCode).toBe(200);
      const body = EnrollResponse.parse(res.json());
      expect(body.deviceId).toBe(device.id);
      expect(body.sessionKeySecret).toBe(t.store.secrets.sessionKeySecret);
      expect(body.pollIntervalSeconds).toBeGreaterThan(0);
      const row = await t.store.db.selectFrom('devices').selectAll().where('id', '=', device.id).executeTakeFirst();
      expect(JSON.parse(row!.public_key)).toEqual(device.jwk);
    });

    it('re-enrolling the same key returns the same device id', async () => {
      const device = await fakeDevice();
      const ids: string[] = [];
      for (let i = 0; i < 2; i++) {
        const payload = JSON.stringify(enrollRequest(device, t.store.secrets.enrollmentToken));
        const res = await t.app.inject({
          method: 'POST',
          url: '/v1/enroll',
          payload,
          headers: await signedHeaders(device, payload),
        });
        ids.push(res.json().deviceId);
      }

      expect(ids[0]).toBe(ids[1]);
      expect((await snapshot(t.store)).devices).toBe(1);
    });

    it('refuses a wrong enrollment token with 401 and stores nothing', async () => {
      const device = await fakeDevice();
      const before = await snapshot(t.store);
      const payload = JSON.stringify(enrollRequest(device, 'x'.repeat(43)));

      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/enroll',
        payload,
        headers: await signedHeaders(device, payload),
      });

      expect(res.statusCode).toBe(401);
      expect(res.json().error).toBe('bad_enrollment_token');
      expect(await snapshot(t.store)).toEqual(before);
    });

    it('refuses a body not signed by the key it enrolls (no proof of possession)', async () => {
      const device = await fakeDevice();
      const other = await fakeDevice();
      const before = await snapshot(t.store);

      const res = await enroll(enrollRequest(device, t.store.secrets.enrollmentToken), other);

      expect(res.statusCode).toBe(401);
      expect(res.json().error).toBe('bad_signature');
      expect(await snapshot(t.store)).toEqual(before);
    });

    it('refuses a request sent outside the allowed clock skew', async () => {
      const device = await fakeDevice();
      const payload = JSON.stringify(
        enrollRequest(device, t.store.secrets.enrollmentToken, { sentAt: Date.now() - 10 * 60_000 }),
      );

      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/enroll',
        payload,
        headers: await signedHeaders(device, payload),
      });

      expect(res.statusCode).toBe(401);
      expect(res.json().error).toBe('stale_request');
    });

    it('refuses a replayed enrollment (same nonce) with 409', async () => {
      const device = await fakeDevice();
      const payload = JSON.stringify(enrollRequest(device, t.store.secrets.enrollmentToken));
      const headers = await signedHeaders(device, payload);
      await t.app.inject({ method: 'POST', url: '/v1/enroll', payload, headers });

      const res = await t.app.inject({ method: 'POST', url: '/v1/enroll', payload, headers });

      expect(res.statusCode).toBe(409);
    });

    it('answers 400 naming the field when the body has the wrong shape', async () => {
      const device = await fakeDevice();

      const res = await enroll(
        { ...enrollRequest(device, t.store.secrets.enrollmentToken), nonce: 'not-a-uuid' },
        device,
      );

      expect(res.statusCode).toBe(400);
      expect(res.json().issues).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'nonce' })]));
    });
  });
}
