/**
 * Enrollment limits over the real store, each dialect (issue #10): the per-address and
 * total rate limits answer 429 with Retry-After and store nothing; the device quota
 * refuses a new key (409) but lets an enrolled one re-enroll; and an insider with the
 * enrollment token scripting 1,000 enrollments from one address gets only the allowed few.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { revokeDevice } from '../../src/server/db/devices';
import { ENROLLMENT_DEFAULTS } from '../../src/server/enrollment/config';
import { createEnrollmentControls } from '../../src/server/enrollment/controls';
import { fakeDevice } from '../fixtures/server/fake-device';
import { createEnrollApp, deviceCount, tryEnroll } from './server-support/enroll-support';
import { createTestApp, type TestApp } from './server-support/test-app';
import { DIALECTS, snapshot, stopPostgres } from './server-support/test-store';

afterAll(stopPostgres);

describe.each(DIALECTS)('enrollment limits (%s)', (dialect) => {
  let t: TestApp;
  afterEach(async () => t.close());

  it('refuses a fourth enrollment a minute from one address with 429 and Retry-After, storing nothing', async () => {
    t = await createEnrollApp(dialect, { perAddressPerMinute: 3, totalPerMinute: 0 });
    for (let i = 0; i < 3; i++) expect((await tryEnroll(t, { ip: '203.0.113.9' })).res.statusCode).toBe(200);
    const before = await snapshot(t.store);

    const { res } = await tryEnroll(t, { ip: '203.0.113.9' });

    expect(res.statusCode).toBe(429);
    expect(res.json().error).toBe('enrollment_rate_limited');
    expect(Number(res.headers['retry-after'])).toBe(20);
    expect(await snapshot(t.store)).toEqual(before);
    expect((await tryEnroll(t, { ip: '203.0.113.10' })).res.statusCode).toBe(200);
    t.clock.now += 20_000;
    expect((await tryEnroll(t, { ip: '203.0.113.9' })).res.statusCode).toBe(200);
  });

  it('counts an IPv6 /64 as one address', async () => {
    t = await createEnrollApp(dialect, { perAddressPerMinute: 1, totalPerMinute: 0 });
    expect((await tryEnroll(t, { ip: '2001:db8:1:2::1' })).res.statusCode).toBe(200);

    const sameBlock = await tryEnroll(t, { ip: '2001:db8:1:2:ffff::9' });
    const otherBlock = await tryEnroll(t, { ip: '2001:db8:1:3::1' });

    expect(sameBlock.res.statusCode).toBe(429);
    expect(otherBlock.res.statusCode).toBe(200);
  });

  it('refuses enrollments over the total rate from any address, and only valid ones count towards it', async () => {
    t = await createEnrollApp(dialect, { perAddressPerMinute: 0, totalPerMinute: 2 });
    for (let i = 0; i < 5; i++) {
      const wrong = await tryEnroll(t, { token: 'x'.repeat(43), ip: `192.0.2.${i + 1}` });
      expect(wrong.res.json().error).toBe('bad_enrollment_token');
    }
    expect((await tryEnroll(t, { ip: '192.0.2.50' })).res.statusCode).toBe(200);
    expect((await tryEnroll(t, { ip: '192.0.2.51' })).res.statusCode).toBe(200);
    const before = await snapshot(t.store);

    const { res } = await tryEnroll(t, { ip: '192.0.2.52' });

    expect(res.statusCode).toBe(429);
    expect(res.json().error).toBe('enrollment_rate_limited');
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(await snapshot(t.store)).toEqual(before);
  });

  it('refuses a new device over the quota with 409 and stores nothing, but re-enrolls an enrolled one', async () => {
    t = await createEnrollApp(dialect, { maxDevices: 2 });
    const first = (await tryEnroll(t)).device;
    await tryEnroll(t);
    const before = await snapshot(t.store);

    const { res } = await tryEnroll(t);

    expect(res.statusCode).toBe(409);
    expect(res.json().error).toBe('device_quota_reached');
    expect(await snapshot(t.store)).toEqual(before);
    expect((await tryEnroll(t, { device: first })).res.statusCode).toBe(200);
    expect(await deviceCount(t)).toBe(2);
    await revokeDevice(t.store.db, first.id, 'admin', t.clock.now);
    expect((await tryEnroll(t)).res.statusCode).toBe(200);
  });

  it('holds the quota exactly under 12 enrollments at once', async () => {
    t = await createEnrollApp(dialect, { maxDevices: 5, perAddressPerMinute: 0, totalPerMinute: 0 });
    const devices = await Promise.all(Array.from({ length: 12 }, () => fakeDevice()));

    const answers = await Promise.all(devices.map((device) => tryEnroll(t, { device })));

    expect(answers.filter((a) => a.res.statusCode === 200)).toHaveLength(5);
    expect(answers.filter((a) => a.res.statusCode === 409)).toHaveLength(7);
    expect(await deviceCount(t)).toBe(5);
  });

  it('insider: 1,000 scripted enrollments with the real token from one address store only the allowed number', async () => {
    // The documented defaults, as `serve` starts with them.
    t = await createTestApp({ dialect, context: { enrollment: createEnrollmentControls(ENROLLMENT_DEFAULTS) } });
    const statuses: number[] = [];

    for (let i = 0; i < 1000; i++) statuses.push((await tryEnroll(t, { ip: '203.0.113.66' })).res.statusCode);

    const allowed = ENROLLMENT_DEFAULTS.perAddressPerMinute;
    expect(statuses.filter((s) => s === 200)).toHaveLength(allowed);
    expect(statuses.filter((s) => s === 429)).toHaveLength(1000 - allowed);
    expect(await deviceCount(t)).toBe(allowed);
  });
});
