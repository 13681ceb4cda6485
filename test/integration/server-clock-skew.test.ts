/**
 * Clock skew between device and backend (issue #17). A device whose clock is off by less
 * than MAX_CLOCK_SKEW_MS (5 min) either way is served as usual: its batch is stored and a
 * threshold it crosses still ends the session (windows run on the device's own clock, the
 * verdict on the server's). Beyond the window, ahead or behind, the batch is refused 401
 * `stale_request` and nothing is stored. server-ingest.test.ts covers "behind" for a
 * heartbeat; this covers both directions with detection. Both dialects.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { MAX_CLOCK_SKEW_MS } from '../../src/shared/protocol/device';
import type { FakeDevice } from '../fixtures/server/fake-device';
import { fakeBatch, fakeDownloadBurst } from '../fixtures/server/fake-signals';
import { createTestApp, type TestApp } from './server-support/test-app';
import { DIALECTS, snapshot, stopPostgres } from './server-support/test-store';

afterAll(stopPostgres);

const POLICY = {
  mode: 'enforce' as const,
  cooldownSeconds: 0,
  detectors: { excessive_downloads: { maxFiles: 5, maxBytes: 1_000_000, windowSeconds: 60 } },
};
const MIN = 60_000;

describe.each(DIALECTS)('clock skew (%s)', (dialect) => {
  let t: TestApp;
  let device: FakeDevice;
  afterEach(async () => t?.close());

  const burstFrom = (offsetMs: number) => {
    const deviceNow = t.clock.now + offsetMs;
    const batch = fakeBatch(device.id, fakeDownloadBurst(8, deviceNow), { sentAt: deviceNow });
    return t.post('/v1/signals', device, batch);
  };

  it.each([
    ['4 min ahead', 4 * MIN],
    ['4 min behind', -4 * MIN],
    ['exactly 5 min ahead (the edge)', MAX_CLOCK_SKEW_MS],
  ])('a device clock %s is served: stored, detected, one verdict at server time', async (_name, offset) => {
    t = await createTestApp({ dialect, policy: POLICY });
    device = await t.enroll();

    const res = await burstFrom(offset);

    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ accepted: 8, duplicates: 0 });
    const verdicts = await t.verdicts();
    expect(verdicts).toHaveLength(1);
    expect(verdicts[0]).toMatchObject({ reasons: ['excessive_downloads'], issuedAt: t.clock.now });
  });

  it.each([
    ['6 min ahead', 6 * MIN],
    ['6 min behind', -6 * MIN],
    ['a day ahead', 24 * 60 * MIN],
  ])('a device clock %s is refused 401 stale_request and nothing is stored', async (_name, offset) => {
    t = await createTestApp({ dialect, policy: POLICY });
    device = await t.enroll();
    const before = await snapshot(t.store);

    const res = await burstFrom(offset);

    expect(res.statusCode).toBe(401);
    expect(res.json().error).toBe('stale_request');
    // The refusal tells the device the server's clock, so it can correct and sign again.
    expect(res.json().serverTime).toBe(t.clock.now);
    expect(await snapshot(t.store)).toEqual(before);
    expect(await t.verdicts()).toHaveLength(0);
  });
});
