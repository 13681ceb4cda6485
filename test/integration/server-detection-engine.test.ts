import { afterAll, afterEach, assert, describe, expect, it } from 'vitest';
import { importSpkiPublicKey, verify } from '../../src/shared/crypto/signing';
import { VerdictPayload } from '../../src/shared/protocol/verdict';
import type { FakeDevice } from '../fixtures/server/fake-device';
import { fakeBatch, fakeDownloadBurst, fakeHeartbeat, SESSION_KEY } from '../fixtures/server/fake-signals';
import { createTestApp, type TestApp } from './server-support/test-app';
import { DIALECTS, stopPostgres } from './server-support/test-store';

afterAll(stopPostgres);

const LIMITS = { maxFiles: 5, maxBytes: 1_000_000, windowSeconds: 60 };

describe.each(DIALECTS)('detection engine (%s)', (dialect) => {
  let t: TestApp;
  let device: FakeDevice;
  let policyVersion: number;
  afterEach(async () => t?.close());

  async function setup(mode: 'enforce' | 'monitor', extra: object = {}) {
    t = await createTestApp({ dialect });
    policyVersion = await t.setPolicy({
      mode,
      cooldownSeconds: 300,
      detectors: { excessive_downloads: LIMITS },
      ...extra,
    });
    device = await t.enroll();
  }
  const burst = (count: number) =>
    t.post('/v1/signals', device, fakeBatch(device.id, fakeDownloadBurst(count, t.clock.now), { sentAt: t.clock.now }));

  it('ends the session when downloads exceed the window: one signed verdict, verifiable with the exported key', async () => {
    await setup('enforce');
    const pushed: string[] = [];
    t.hub.subscribe(device.id, (v) => pushed.push(v.payload));

    await burst(8);

    const verdicts = await t.store.db.selectFrom('verdicts').selectAll().execute();
    expect(verdicts).toHaveLength(1);
    const publicKey = await importSpkiPublicKey(t.store.secrets.verdictKeys.publicSpki);
    expect(await verify(publicKey, verdicts[0]!.signature, verdicts[0]!.payload)).toBe(true);
    const payload = VerdictPayload.parse(JSON.parse(verdicts[0]!.payload));
    expect(payload).toMatchObject({
      action: 'terminate',
      reasons: ['excessive_downloads'],
      target: { deviceId: device.id, sessionKey: SESSION_KEY, userId: null },
      issuedAt: t.clock.now,
      expiresAt: t.clock.now + 10 * 60_000,
      policyVersion,
    });
    expect(pushed).toEqual([verdicts[0]!.payload]);
  });

  it('records one finding per burst, with policy version, mode and evidence', async () => {
    await setup('enforce');

    await burst(12);

    const findings = await t.store.db.selectFrom('findings').selectAll().execute();
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      reason: 'excessive_downloads',
      mode: 'enforce',
      policy_version: policyVersion,
      outcome: 'verdict_issued',
    });
    expect(JSON.parse(findings[0]!.evidence)).toMatchObject({ files: 6, maxFiles: 5 });
  });

  it('in monitor mode records the finding and the would-be verdict, and pushes nothing', async () => {
    await setup('monitor');
    const pushed: unknown[] = [];
    t.hub.subscribe(device.id, (v) => pushed.push(v));

    await burst(8);

    expect(await t.store.db.selectFrom('verdicts').selectAll().execute()).toHaveLength(0);
    const [finding] = await t.store.db.selectFrom('findings').selectAll().execute();
    assert(finding);
    expect(finding).toMatchObject({ mode: 'monitor', outcome: 'would_terminate', verdict_id: null });
    expect(JSON.parse(finding.evidence).wouldBeVerdict).toMatchObject({
      action: 'terminate',
      reasons: ['excessive_downloads'],
    });
    expect(pushed).toHaveLength(0);
  });

  it('ends the session once within the cooldown and records the repeat as held by it', async () => {
    await setup('enforce');
    await burst(8);

    t.clock.now += 120_000;
    await burst(8);

    const findings = await t.store.db.selectFrom('findings').select('outcome').orderBy('detected_at').execute();
    expect(findings.map((f) => f.outcome)).toEqual(['verdict_issued', 'cooldown']);
    expect(await t.store.db.selectFrom('verdicts').selectAll().execute()).toHaveLength(1);
  });

  it('fires again once the cooldown has passed', async () => {
    await setup('enforce');
    await burst(8);

    t.clock.now += 301_000;
    await burst(8);

    expect(await t.store.db.selectFrom('verdicts').selectAll().execute()).toHaveLength(2);
  });

  it('only alerts when the policy says alert', async () => {
    await setup('enforce', { detectors: { excessive_downloads: { ...LIMITS, action: 'alert' } } });

    await burst(8);

    const [finding] = await t.store.db.selectFrom('findings').selectAll().execute();
    assert(finding);
    expect(finding.outcome).toBe('alert');
    expect(await t.store.db.selectFrom('verdicts').selectAll().execute()).toHaveLength(0);
  });

  it('does nothing when the detector is disabled or the volume is normal', async () => {
    await setup('enforce', { detectors: { excessive_downloads: { ...LIMITS, enabled: false } } });
    await burst(8);
    await t.setPolicy({ detectors: { excessive_downloads: LIMITS } });

    await t.post(
      '/v1/signals',
      device,
      fakeBatch(device.id, [fakeHeartbeat(), ...fakeDownloadBurst(2, t.clock.now + 120_000)]),
    );

    expect(await t.store.db.selectFrom('findings').selectAll().execute()).toHaveLength(0);
  });

  it('counts downloads across batches within the window', async () => {
    await setup('enforce');
    await t.post('/v1/signals', device, fakeBatch(device.id, fakeDownloadBurst(4, t.clock.now - 30_000)));

    await t.post('/v1/signals', device, fakeBatch(device.id, fakeDownloadBurst(2, t.clock.now)));

    expect(await t.store.db.selectFrom('verdicts').selectAll().execute()).toHaveLength(1);
  });

  it('fires once when two bursts from the same device arrive at the same moment', async () => {
    await setup('enforce');

    await Promise.all([burst(8), burst(8)]);

    expect(await t.store.db.selectFrom('verdicts').selectAll().execute()).toHaveLength(1);
  });
});
