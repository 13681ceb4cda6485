/**
 * A device whose clock is wrong, end to end between the extension's own client code
 * (backend-client.ts, signed-fetch.ts, server-clock.ts) and the real backend (issue #17).
 * The backend refuses a `sentAt` more than five minutes off with `stale_request` and its
 * own time; the client learns the offset, signs again, and its batch is stored with the
 * signals' times moved onto the backend's clock, and it does not mistake the refusal
 * for "unknown device" (which used to send it re-enrolling in a loop). A verdict then
 * reaches it unexpired although the device's clock is past the verdict's expiry.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backendClient, type ClientDeps } from '../../src/extension/backend-client';
import { executeVerdict } from '../../src/extension/enforcer';
import { openLocalDb, resetLocalDbForTests } from '../../src/extension/local-db';
import { resetServerClockForTests, serverClockOffset, serverNow } from '../../src/extension/server-clock';
import 'fake-indexeddb/auto';
import { importSpkiPublicKey } from '../../src/shared/crypto/signing';
import { fakeDevice } from '../fixtures/server/fake-device';
import { fakeDownloadBurst } from '../fixtures/server/fake-signals';
import { createTestApp, type TestApp } from './server-support/test-app';
import { DIALECTS, stopPostgres } from './server-support/test-store';

afterAll(stopPostgres);

const MIN = 60_000;
const POLICY = { mode: 'enforce' as const, detectors: { excessive_downloads: { maxFiles: 2, maxBytes: 1e9 } } };

describe.each(DIALECTS)('a device clock far from the backend’s (%s)', (dialect) => {
  let t: TestApp;
  beforeEach(() => resetServerClockForTests());
  afterEach(async () => {
    vi.unstubAllGlobals();
    resetServerClockForTests();
    await t?.close();
  });

  it.each([
    ['20 min ahead', 20 * MIN],
    ['3 hours behind', -180 * MIN],
  ])('a device %s learns the backend’s clock, is stored, and executes the verdict', async (_name, deviceAhead) => {
    // The backend's clock is the device's minus `deviceAhead`.
    t = await createTestApp({ dialect, policy: POLICY, startAt: Date.now() - deviceAhead });
    const device = await fakeDevice();
    await t.enroll(device);
    const requests: { url: string; status: number }[] = [];
    vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
      const res = await t.app.inject({
        method: 'POST',
        url: new URL(url).pathname,
        headers: init.headers as Record<string, string>,
        payload: init.body as string,
      });
      requests.push({ url: new URL(url).pathname, status: res.statusCode });
      return new Response(res.body, { status: res.statusCode, headers: { 'content-type': 'application/json' } });
    });
    const deps: ClientDeps = {
      backendUrl: 'https://guard.example.com',
      identity: {
        id: 'device',
        keyPair: { privateKey: device.privateKey, publicKey: device.privateKey },
        deviceId: device.id,
        sessionKeySecret: 's',
      },
      extensionVersion: '0.1.0',
      onUnknownDevice: vi.fn(),
      onRevoked: vi.fn(),
      onResult: vi.fn(),
    };
    const client = backendClient(deps);

    // Three downloads, stamped by the device's own (wrong) clock.
    const signals = fakeDownloadBurst(3, Date.now());
    expect(await client.sendSignals(signals)).toBe('sent');

    expect(requests.map((r) => r.status)).toEqual([401, 200]);
    expect(deps.onUnknownDevice).not.toHaveBeenCalled();
    expect(Math.abs(serverClockOffset() + deviceAhead)).toBeLessThan(5_000);
    const stored = await t.store.db.selectFrom('signals').select(['id', 'at']).orderBy('at').execute();
    expect(stored.map((s) => s.id)).toEqual(signals.map((s) => s.id));
    for (const row of stored) expect(Math.abs(row.at - t.clock.now)).toBeLessThan(5_000);

    // The batch crossed the threshold: the verdict, timed on the backend's clock, is executed.
    const [verdict] = await t.verdicts();
    expect(verdict).toBeDefined();
    const polled = await client.poll();
    expect(polled).toHaveLength(1);
    resetLocalDbForTests();
    const db = await openLocalDb(`device-clock-${dialect}-${deviceAhead}`);
    const acks: unknown[] = [];
    const { outcome } = await executeVerdict(
      {
        db,
        verdictKey: async () => importSpkiPublicKey(t.store.secrets.verdictKeys.publicSpki),
        deviceId: () => device.id,
        currentSessionKey: async () => null,
        clearCookies: async () => ({ cleared: 1, hosts: ['.slack.com'] }),
        afterClear: async () => undefined,
        acknowledge: async (ack) => void acks.push(ack),
        serverNow,
      },
      polled[0]!,
      'poll',
    );
    expect(outcome).toBe('executed');
    expect(acks).toHaveLength(1);
  });
});
