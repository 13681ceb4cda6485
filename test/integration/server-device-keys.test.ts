/**
 * Device keys over the real store, each dialect (issue #4): a key rotation links old to
 * new and refuses the old key from then on; a repeat is answered the same; a revoked key
 * is refused on every device route with 403 and cannot enroll again; the Slack user a
 * device reports names it.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findDevice, previousDeviceIds, revokeDevice } from '../../src/server/db/devices';
import { DEVICE_REVOKED, RotateKeyResponse, rotateKeyProofText } from '../../src/shared/protocol/device';
import { enrollRequest, fakeDevice, signedHeaders, type FakeDevice } from '../fixtures/server/fake-device';
import { DIALECTS, stopPostgres } from './server-support/test-store';
import { createTestApp, type TestApp } from './server-support/test-app';

afterAll(stopPostgres);

describe.each(DIALECTS)('device keys (%s)', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ dialect });
  });
  afterEach(async () => t.close());

  async function rotationBody(old: FakeDevice, next: FakeDevice, nonce = randomUUID()) {
    return {
      deviceId: old.id,
      newPublicKey: next.jwk,
      sentAt: t.clock.now,
      nonce,
      proof: await next.sign(rotateKeyProofText(old.id, nonce)),
    };
  }
  const poll = (device: FakeDevice) =>
    t.post('/v1/verdicts/poll', device, { deviceId: device.id, sentAt: t.clock.now, nonce: randomUUID() });

  it('links the old key to the new one and refuses the old key afterwards', async () => {
    const old = await t.enroll();
    await t.post('/v1/signals', old, {
      deviceId: old.id,
      batchId: randomUUID(),
      sentAt: t.clock.now,
      signals: [{ id: randomUUID(), at: t.clock.now, type: 'slack_identity', teamId: 'T0TEAM1', userId: 'U0USER1' }],
    });
    const next = await fakeDevice();

    const res = await t.post('/v1/devices/rotate-key', old, await rotationBody(old, next));

    expect(res.statusCode).toBe(200);
    expect(RotateKeyResponse.parse(res.json())).toEqual({ deviceId: next.id, previousDeviceId: old.id });
    expect(await previousDeviceIds(t.store.db, next.id)).toEqual([old.id]);
    expect((await findDevice(t.store.db, next.id))?.user_id).toBe('U0USER1');
    expect((await poll(next)).statusCode).toBe(200);
    const refused = await poll(old);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error).toBe('device_revoked');
  });

  it('answers a repeated rotation to the same key the same way, and refuses one to another key', async () => {
    const old = await t.enroll();
    const next = await fakeDevice();
    await t.post('/v1/devices/rotate-key', old, await rotationBody(old, next));

    const again = await t.post('/v1/devices/rotate-key', old, await rotationBody(old, next));
    const other = await t.post('/v1/devices/rotate-key', old, await rotationBody(old, await fakeDevice()));

    expect(again.statusCode).toBe(200);
    expect(again.json().deviceId).toBe(next.id);
    expect(other.statusCode).toBe(403);
  });

  it('refuses a rotation whose proof is not signed by the new key', async () => {
    const old = await t.enroll();
    const next = await fakeDevice();
    const body = { ...(await rotationBody(old, next)), proof: await old.sign('sg-rotate:whatever') };

    const res = await t.post('/v1/devices/rotate-key', old, body);

    expect(res.statusCode).toBe(401);
    expect(await findDevice(t.store.db, next.id)).toBeUndefined();
  });

  it('refuses a revoked device on every route and does not let it enroll again', async () => {
    const device = await t.enroll();
    await revokeDevice(t.store.db, device.id, 'test', t.clock.now);

    const signals = await t.post('/v1/signals', device, {
      deviceId: device.id,
      batchId: randomUUID(),
      sentAt: t.clock.now,
      signals: [{ id: randomUUID(), at: t.clock.now, type: 'heartbeat' }],
    });
    const payload = JSON.stringify(enrollRequest(device, t.store.secrets.enrollmentToken, { sentAt: t.clock.now }));
    const enroll = await t.app.inject({
      method: 'POST',
      url: '/v1/enroll',
      payload,
      headers: await signedHeaders(device, payload),
    });

    expect(signals.statusCode).toBe(403);
    expect((await poll(device)).statusCode).toBe(403);
    expect(enroll.statusCode).toBe(403);
    expect(enroll.json().error).toBe('device_revoked');
  });
});
