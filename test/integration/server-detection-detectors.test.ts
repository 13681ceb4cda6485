/**
 * Each detector through the real ingest route and store (SQLite and PostgreSQL): signed
 * batches in, findings and verdicts out, with the benign case beside the attack.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, assert, describe, expect, it } from 'vitest';
import type { ClientFingerprint, Signal } from '../../src/shared/protocol/signals';
import { LINUX_LAPTOP, WINDOWS_PC } from '../fixtures/detectors/state';
import { fakeDownload, fakeHeartbeat } from '../fixtures/server/fake-signals';
import { createDetectionApp, type DetectionApp } from './server-support/detection-app';
import { DIALECTS, stopPostgres } from './server-support/test-store';

afterAll(stopPostgres);

const S = 'c'.repeat(64);
const DAY = 86_400_000;
const ALL_TERMINATE = {
  cooldownSeconds: 300,
  detectors: {
    session_cookie_injection: { action: 'terminate' as const },
    unexpected_api_call_volume: { action: 'terminate' as const, maxCallsPerMinute: 100 },
    ip_address: { enabled: true, action: 'terminate' as const },
    excessive_downloads: { maxFiles: 20, maxBytes: 500_000_000, windowSeconds: 600 },
  },
  trustedCidrs: ['203.0.113.0/24', '198.51.100.0/24'],
};

describe.each(DIALECTS)('detectors through ingest (%s)', (dialect) => {
  let t: DetectionApp;
  afterEach(async () => t?.close());
  const at = (offset = 0) => t.clock.now + offset;
  const signin = (offset = -2000): Signal => ({
    id: randomUUID(),
    type: 'signin_navigation',
    at: at(offset),
    sessionKey: null,
    step: 'completed', // Slack's answer set `d`: the only sign-in that counts (issue #10)
  });
  const cookie = (
    change: 'appeared' | 'changed' | 'present',
    lastSigninAt: number | null,
    fingerprint?: ClientFingerprint,
  ): Signal => ({
    id: randomUUID(),
    type: 'session_cookie',
    at: at(),
    sessionKey: S,
    change,
    lastSigninAt,
    ...(fingerprint ? { fingerprint } : {}),
  });
  const apiCalls = (count: number, endOffset = 0, method = 'conversations.history'): Signal => ({
    id: randomUUID(),
    type: 'api_calls',
    at: at(endOffset),
    sessionKey: S,
    method,
    count,
    windowStart: at(endOffset - 10_000),
    windowMs: 10_000,
  });
  const identity = (userId: string): Signal => ({
    id: randomUUID(),
    type: 'slack_identity',
    at: at(-5000),
    sessionKey: S,
    teamId: 'T0TEAM01',
    userId,
  });

  it('binds a session to the device that signed in and ends it on a second device that shows it', async () => {
    t = await createDetectionApp(dialect, ALL_TERMINATE);
    const [victim, thief] = [await t.enroll(), await t.enroll()];
    await t.send(victim, [signin(), cookie('appeared', at(-2000), LINUX_LAPTOP)]);

    t.clock.now += 60_000;
    await t.send(thief, [signin(), cookie('appeared', at(-2000), WINDOWS_PC)]);

    const verdicts = await t.verdicts();
    expect(verdicts).toHaveLength(1);
    expect(verdicts[0]).toMatchObject({
      reasons: ['session_fingerprint'],
      target: { deviceId: thief.id, sessionKey: S },
    });
    const [finding] = await t.findings();
    assert(finding);
    expect(finding.evidence).toMatchObject({
      boundDeviceId: victim.id,
      reportingDeviceId: thief.id,
      otherDevice: true,
    });
    const binding = await t.store.db.selectFrom('session_bindings').selectAll().executeTakeFirstOrThrow();
    expect(binding.device_id).toBe(victim.id);
  });

  it('ends a session whose device key shows up on another machine, and not after a browser update', async () => {
    t = await createDetectionApp(dialect, ALL_TERMINATE);
    const device = await t.enroll();
    await t.send(device, [signin(), cookie('appeared', at(-2000), LINUX_LAPTOP)]);

    t.clock.now += DAY;
    const updated = {
      ...LINUX_LAPTOP,
      userAgent: LINUX_LAPTOP.userAgent.replace('156.0', '157.0'),
      browserVersion: 'Chromium 157.0.1.2',
      screen: null,
    };
    await t.send(device, [fakeHeartbeat({ at: at(), sessionKey: S, fingerprint: updated })]);
    expect(await t.verdicts()).toEqual([]);

    t.clock.now += DAY;
    await t.send(device, [fakeHeartbeat({ at: at(), sessionKey: S, fingerprint: WINDOWS_PC })]);

    const verdicts = await t.verdicts();
    expect(verdicts.map((v) => v.reasons)).toEqual([['session_fingerprint']]);
    const [finding] = await t.findings();
    assert(finding);
    expect(finding.evidence).toMatchObject({ otherDevice: false, fingerprintScore: expect.any(Number) });
    expect(finding.evidence.differences.map((d: { component: string }) => d.component)).toContain('os');
  });

  it('ends a session cookie that appears without a sign-in, and leaves a signed-in one alone', async () => {
    t = await createDetectionApp(dialect, ALL_TERMINATE);
    const [signedIn, injected] = [await t.enroll(), await t.enroll()];

    await t.send(signedIn, [signin(-1500)]);
    await t.send(signedIn, [{ ...cookie('appeared', null), sessionKey: 'd'.repeat(64) }]);
    await t.send(injected, [cookie('appeared', null)]);

    const verdicts = await t.verdicts();
    expect(verdicts).toHaveLength(1);
    expect(verdicts[0]).toMatchObject({ reasons: ['session_cookie_injection'], target: { deviceId: injected.id } });
  });

  it('ends a session that calls one API method too often across batches, not one that calls many a little', async () => {
    // Both devices report the same session here; only the API volume is under test.
    t = await createDetectionApp(dialect, {
      ...ALL_TERMINATE,
      detectors: { ...ALL_TERMINATE.detectors, session_fingerprint: { enabled: false } },
    });
    const [reader, scraper] = [await t.enroll(), await t.enroll()];
    await t.send(
      reader,
      ['conversations.history', 'users.list', 'search.messages', 'files.list'].map((m) => apiCalls(60, 0, m)),
    );
    await t.send(scraper, [apiCalls(60, -20_000)]);

    await t.send(scraper, [apiCalls(60)]);

    const verdicts = await t.verdicts();
    expect(verdicts).toHaveLength(1);
    expect(verdicts[0]).toMatchObject({ reasons: ['unexpected_api_call_volume'], target: { deviceId: scraper.id } });
    expect((await t.findings())[0]!.evidence).toMatchObject({ method: 'conversations.history', callsPerMinute: 120 });
  });

  it('ends a session reported from outside the trusted networks, never one moving between them', async () => {
    t = await createDetectionApp(dialect, ALL_TERMINATE);
    const device = await t.enroll();
    await t.send(device, [fakeHeartbeat({ at: at(), sessionKey: S })], { ip: '203.0.113.77' });
    await t.send(device, [fakeHeartbeat({ at: at(1000), sessionKey: S })], { ip: '198.51.100.9' });
    expect(await t.findings()).toEqual([]);

    await t.send(device, [fakeHeartbeat({ at: at(2000), sessionKey: S })], { ip: '81.2.69.160' });

    expect((await t.verdicts()).map((v) => v.reasons)).toEqual([['ip_address']]);
    expect((await t.findings())[0]!.evidence).toMatchObject({ sourceIp: '81.2.69.160' });
  });

  it('lets a user with a heavy download history do their usual volume, and ends a session that goes past it', async () => {
    t = await createDetectionApp(dialect, ALL_TERMINATE);
    const device = await t.enroll();
    await t.send(device, [identity('U0HEAVY01')]);
    await t.vouch(device, 'U0HEAVY01');
    // History as the device lived it, oldest day first (a back-dated report would be late).
    for (let day = 5; day >= 1; day--) {
      const start = t.clock.now - day * DAY;
      await t.send(
        device,
        Array.from({ length: 40 }, (_, i) => fakeDownload({ at: start + i * 60_000, sessionKey: S, bytes: 1000 })),
      );
    }
    const before = (await t.findings()).length;

    await t.send(
      device,
      Array.from({ length: 30 }, (_, i) => fakeDownload({ at: at(i * 1000), sessionKey: S, bytes: 1000 })),
    );
    expect(await t.findings()).toHaveLength(before);
    await t.send(
      device,
      Array.from({ length: 11 }, (_, i) => fakeDownload({ at: at(31_000 + i * 1000), sessionKey: S, bytes: 1000 })),
    );

    const verdicts = await t.verdicts();
    expect(verdicts.map((v) => v.reasons)).toEqual([['excessive_downloads']]);
    expect(verdicts[0]!.target.userId).toBe('U0HEAVY01');
    const finding = (await t.findings()).at(-1)!;
    expect(finding.evidence).toMatchObject({
      files: 41,
      effectiveMaxFiles: 40,
      limitBasis: 'baseline',
      baseline: { activeDays: 5, maxDailyFiles: 40 },
    });
  });
});
