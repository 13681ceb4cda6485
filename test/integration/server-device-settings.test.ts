/**
 * Issue #12: device settings derived from the org policy, signed with the verdict key and
 * delivered in the poll answer and on the verdict stream (again within 10 s of a policy
 * change); the ack's `slackSignout` stored beside `outcome`, shown in the verdict view and
 * counted on the overview; acks from older extensions (no field) still accepted.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { loadOverview } from '../../src/server/admin/overview';
import { listVerdictsWithAcks } from '../../src/server/db/verdicts.repository';
import { toVerdictView } from '../../src/server/verdicts/verdict-view';
import { importSpkiPublicKey, verify } from '../../src/shared/crypto/signing';
import { DeviceSettingsPayload, type SignedDeviceSettings } from '../../src/shared/protocol/device-settings';
import {
  PollResponse,
  ServerMessage,
  streamAuthText,
  VerdictPayload,
  type VerdictAck,
} from '../../src/shared/protocol/verdict';
import type { FakeDevice } from '../fixtures/server/fake-device';
import { createTestApp, type TestApp } from './server-support/test-app';
import { DIALECTS, stopPostgres } from './server-support/test-store';

afterAll(async () => stopPostgres());

describe.each(DIALECTS)('device settings and the sign-out ack (%s)', (dialect) => {
  let t: TestApp;
  let device: FakeDevice;
  beforeEach(async () => {
    t = await createTestApp({
      dialect,
      policy: { detectors: { excessive_downloads: { maxFiles: 2, maxBytes: 1e9, windowSeconds: 60 } } },
    });
    device = await t.enroll();
  });
  afterEach(async () => t.close());

  const poll = async () => {
    const res = await t.post('/v1/verdicts/poll', device, {
      deviceId: device.id,
      sentAt: t.clock.now,
      nonce: randomUUID(),
    });
    expect(res.statusCode).toBe(200);
    return PollResponse.parse(res.json());
  };
  const verified = async (signed: SignedDeviceSettings | undefined) => {
    if (!signed) throw new Error('no settings');
    const key = await importSpkiPublicKey(t.store.secrets.verdictKeys.publicSpki);
    expect(await verify(key, signed.signature, signed.payload)).toBe(true);
    return DeviceSettingsPayload.parse(JSON.parse(signed.payload));
  };
  const triggerVerdict = () => t.verdictFromBurst(device);
  const ack = (verdictId: string, extra: Record<string, unknown> = {}) =>
    t.post('/v1/acks', device, {
      deviceId: device.id,
      verdictId,
      nonce: randomUUID(),
      sentAt: t.clock.now,
      outcome: 'executed',
      via: 'websocket',
      cookiesCleared: 3,
      timings: { receivedAt: 5_000, verifiedAt: 5_010, clearedAt: 5_040, ackSentAt: 5_100 },
      ...extra,
    } satisfies Omit<VerdictAck, 'slackSignout'> & Record<string, unknown>);

  it(
    'the poll answer carries the settings derived from the org policy, signed with the verdict key',
    { timeout: 20_000 },
    async () => {
      const before = await verified((await poll()).settings);

      const version = await t.setPolicy({ deviceSignout: false, sessionVault: 'sealed' });
      const changedAt = Date.now();
      let after = await verified((await poll()).settings);
      // Signed settings are reused for a few seconds; the poll must carry the change within 10 s.
      while (after.version < version && Date.now() - changedAt < 10_000) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        after = await verified((await poll()).settings);
      }

      expect(before.settings).toEqual({ deviceSignout: true, sessionVault: 'off' });
      expect(after).toMatchObject({
        kind: 'device_settings',
        version,
        settings: { deviceSignout: false, sessionVault: 'sealed' },
      });
      expect(after.version).toBeGreaterThan(before.version);
      expect(after.kid).toBe(t.store.secrets.verdictKeys.kid);
      // A settings payload is never a verdict, whatever key signed it.
      expect(VerdictPayload.safeParse(JSON.parse((await poll()).settings!.payload)).success).toBe(false);
    },
  );

  it('the stream sends settings after ready and the new ones within 10 s of a policy change', async () => {
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const address = t.app.server.address();
    const socket = new WebSocket(
      `ws://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/v1/stream`,
    );
    const settings: SignedDeviceSettings[] = [];
    let changed: () => void = () => undefined;
    socket.on('message', (data) => {
      const m = ServerMessage.parse(JSON.parse(String(data)));
      if (m.type === 'challenge') {
        void device
          .sign(streamAuthText(m.challenge))
          .then((signature) => socket.send(JSON.stringify({ type: 'auth', deviceId: device.id, signature })));
      }
      if (m.type === 'settings') {
        settings.push(m.settings);
        changed();
      }
    });
    const nextSettings = (count: number, ms: number) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no settings #${count} within ${ms} ms`)), ms);
        changed = () => settings.length >= count && (clearTimeout(timer), resolve());
        changed();
      });

    await nextSettings(1, 5_000);
    const version = await t.setPolicy({ deviceSignout: false });
    const changedAt = Date.now();
    await nextSettings(2, 10_000);
    socket.close();

    expect((await verified(settings[0])).settings.deviceSignout).toBe(true);
    expect(await verified(settings[1])).toMatchObject({ version, settings: { deviceSignout: false } });
    expect(Date.now() - changedAt).toBeLessThan(10_000);
  }, 20_000);

  it('stores slackSignout beside the outcome, shows it on the verdict and counts unconfirmed ones', async () => {
    const confirmed = await triggerVerdict();
    t.clock.now += 301_000;
    const failed = await triggerVerdict();
    t.clock.now += 301_000;
    const old = await triggerVerdict();

    const results = [
      await ack(confirmed.id, { slackSignout: { status: 'confirmed', method: 'auth.revoke' } }),
      await ack(failed.id, { slackSignout: { status: 'failed', method: 'auth.revoke', code: 'invalid_auth' } }),
      await ack(old.id), // an extension older than issue #12
    ];

    expect(results.map((r) => r.statusCode)).toEqual([200, 200, 200]);
    const views = new Map((await listVerdictsWithAcks(t.store.db, 10)).map((r) => [r.id, toVerdictView(r)]));
    expect(views.get(confirmed.id)?.ack?.slackSignout).toEqual({ status: 'confirmed', detail: 'auth.revoke' });
    expect(views.get(failed.id)?.ack?.slackSignout).toEqual({ status: 'failed', detail: 'auth.revoke: invalid_auth' });
    expect(views.get(old.id)?.ack?.slackSignout).toBeNull();
    expect(views.get(old.id)?.ack?.outcome).toBe('executed');
    const overview = await loadOverview(contextOf(t));
    expect(overview.slackSignoutUnconfirmed).toBe(2);
  });

  it('refuses a malformed slackSignout with 400 and stores nothing (no token-shaped detail gets in)', async () => {
    const verdict = await triggerVerdict();

    const bad = [
      await ack(verdict.id, { slackSignout: { status: 'failed', code: 'xoxd-AbC%2Fsecret' } }),
      await ack(verdict.id, { slackSignout: { status: 'done' } }),
      await ack(verdict.id, { slackSignout: { status: 'skipped', reason: 'because I said so' } }),
    ];

    expect(bad.map((r) => r.statusCode)).toEqual([400, 400, 400]);
    expect(await t.store.db.selectFrom('acks').selectAll().execute()).toEqual([]);
  });
});

/** The pieces of the app context loadOverview reads. */
function contextOf(t: TestApp) {
  return {
    db: t.store.db,
    now: () => t.clock.now,
    hub: t.hub,
    torList: null,
  } as unknown as Parameters<typeof loadOverview>[0];
}
