/**
 * The org policy as the engine applies it, over real stores: excluded users (named by
 * the Slack user the page reported, or by device), the cooldown per user across devices
 * that still lets a new reason through, monitor versus enforce, and the policy version
 * every finding and verdict records.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Signal } from '../../src/shared/protocol/signals';
import type { FakeDevice } from '../fixtures/server/fake-device';
import { createDetectionApp, type DetectionApp } from './server-support/detection-app';
import { DIALECTS, stopPostgres } from './server-support/test-store';

afterAll(stopPostgres);

const POLICY = {
  cooldownSeconds: 300,
  detectors: {
    session_cookie_injection: { action: 'terminate' as const },
    unexpected_api_call_volume: { action: 'terminate' as const, maxCallsPerMinute: 100 },
  },
};

describe.each(DIALECTS)('policy in the engine (%s)', (dialect) => {
  let t: DetectionApp;
  afterEach(async () => t?.close());
  const key = () => randomUUID().replace(/-/g, '').repeat(2);
  const identity = (userId: string): Signal => ({
    id: randomUUID(),
    type: 'slack_identity',
    at: t.clock.now - 1000,
    sessionKey: null,
    teamId: 'T0TEAM01',
    userId,
  });
  const injected = (): Signal => ({
    id: randomUUID(),
    type: 'session_cookie',
    at: t.clock.now,
    sessionKey: key(),
    change: 'appeared',
    lastSigninAt: null,
  });
  const scrape = (): Signal => ({
    id: randomUUID(),
    type: 'api_calls',
    at: t.clock.now,
    sessionKey: null,
    method: 'search.messages',
    count: 500,
    windowStart: t.clock.now - 10_000,
    windowMs: 10_000,
  });
  /** A device whose page shows `userId` and for which Slack vouched (Sign in with Slack). */
  async function deviceOf(userId: string): Promise<FakeDevice> {
    const device = await t.enroll();
    await t.send(device, [identity(userId)]);
    await t.vouch(device, userId);
    return device;
  }

  it('never ends an excluded Slack user\u2019s session, and says so in the finding', async () => {
    t = await createDetectionApp(dialect, { ...POLICY, excludedUsers: ['U0EXEC001'] });
    const device = await deviceOf('U0EXEC001');

    await t.send(device, [injected()]);

    expect(await t.verdicts()).toEqual([]);
    expect(await t.findings()).toMatchObject([
      { reason: 'session_cookie_injection', outcome: 'excluded', subject: 'U0EXEC001' },
    ]);
  });

  it('excludes a device by id while its user is unknown', async () => {
    t = await createDetectionApp(dialect, POLICY);
    const device = await t.enroll();
    await t.setPolicy({ ...POLICY, excludedUsers: [device.id] });

    await t.send(device, [injected()]);

    expect(await t.verdicts()).toEqual([]);
    expect(await t.findings()).toMatchObject([{ outcome: 'excluded', subject: device.id }]);
  });

  it('ends a user\u2019s session once in the cooldown, across their devices, but lets a new reason through', async () => {
    t = await createDetectionApp(dialect, POLICY);
    const [laptop, desktop] = [await deviceOf('U0ANALYST'), await deviceOf('U0ANALYST')];
    await t.send(laptop, [injected()]);

    t.clock.now += 60_000;
    await t.send(desktop, [injected()]);
    t.clock.now += 1000;
    await t.send(desktop, [scrape()]);

    const verdicts = await t.verdicts();
    expect(verdicts.map((v) => [v.reasons[0], v.target.deviceId, v.target.userId])).toEqual([
      ['session_cookie_injection', laptop.id, 'U0ANALYST'],
      ['unexpected_api_call_volume', desktop.id, 'U0ANALYST'],
    ]);
    expect((await t.findings()).map((f) => [f.reason, f.outcome])).toEqual([
      ['session_cookie_injection', 'verdict_issued'],
      ['session_cookie_injection', 'cooldown'],
      ['unexpected_api_call_volume', 'verdict_issued'],
    ]);
  });

  it('lets no cooldown start from a verdict that ended nothing, however its ack came to say so', async () => {
    t = await createDetectionApp(dialect, POLICY);
    const device = await deviceOf('U0TRAVELER');
    const ack = (verdictId: string, outcome: 'executed' | 'rejected', cookiesCleared: number) =>
      t.post('/v1/acks', device, {
        deviceId: device.id,
        verdictId,
        nonce: randomUUID(),
        sentAt: t.clock.now,
        outcome,
        via: 'poll',
        cookiesCleared,
        timings: { receivedAt: 1, verifiedAt: 2, clearedAt: 3, ackSentAt: 4 },
      });
    // Caught before signing in: the browser had no Slack cookie to clear.
    await t.send(device, [injected()]);
    const [first] = await t.verdicts();
    expect((await ack(first!.id, 'executed', 0)).statusCode).toBe(200);
    // The sign-in that follows, inside the cooldown, is ended all the same.
    t.clock.now += 30_000;
    await t.send(device, [injected()]);
    const verdicts = await t.verdicts();
    expect(verdicts).toHaveLength(2);
    // That one cleared the session: the cooldown now holds the next one back.
    expect((await ack(verdicts[1]!.id, 'executed', 4)).statusCode).toBe(200);
    t.clock.now += 30_000;
    await t.send(device, [injected()]);
    expect((await t.findings()).map((f) => f.outcome)).toEqual(['verdict_issued', 'verdict_issued', 'cooldown']);
  });

  it('lets a claimed user spend nobody’s cooldown or exclusion but the device’s own', async () => {
    t = await createDetectionApp(dialect, { ...POLICY, excludedUsers: ['U0EXEC001'] });
    const verified = await deviceOf('U0ANALYST');
    const claimsAnalyst = await t.enroll();
    const claimsExec = await t.enroll();
    await t.send(claimsAnalyst, [identity('U0ANALYST'), injected()]);
    await t.send(claimsExec, [identity('U0EXEC001'), injected()]);

    t.clock.now += 1000;
    await t.send(verified, [injected()]);

    expect((await t.findings()).map((f) => [f.device_id, f.subject, f.outcome])).toEqual([
      [claimsAnalyst.id, claimsAnalyst.id, 'verdict_issued'],
      [claimsExec.id, claimsExec.id, 'verdict_issued'],
      [verified.id, 'U0ANALYST', 'verdict_issued'],
    ]);
    expect((await t.verdicts()).map((v) => v.target.userId)).toEqual([null, null, 'U0ANALYST']);
  });

  it('keeps the cooldown when the user becomes known after the device’s first verdict', async () => {
    t = await createDetectionApp(dialect, POLICY);
    const device = await t.enroll();
    await t.send(device, [injected()]);

    t.clock.now += 10_000;
    await t.send(device, [identity('U0ANALYST')]);
    await t.vouch(device, 'U0ANALYST');
    await t.send(device, [injected()]);

    expect(await t.verdicts()).toHaveLength(1);
    expect((await t.findings()).map((f) => [f.subject, f.outcome])).toEqual([
      [device.id, 'verdict_issued'],
      ['U0ANALYST', 'cooldown'],
    ]);
  });

  it('ends the session again once the cooldown is over', async () => {
    t = await createDetectionApp(dialect, POLICY);
    const device = await deviceOf('U0ANALYST');
    await t.send(device, [injected()]);

    t.clock.now += 301_000;
    await t.send(device, [injected()]);

    expect(await t.verdicts()).toHaveLength(2);
  });

  it('in monitor mode records would-be verdicts; switched to enforce, ends the session inside that cooldown', async () => {
    t = await createDetectionApp(dialect, { ...POLICY, mode: 'monitor' });
    const device = await deviceOf('U0ANALYST');
    await t.send(device, [injected()]);
    expect(await t.verdicts()).toEqual([]);

    const enforceVersion = await t.setPolicy({ ...POLICY, mode: 'enforce' });
    t.clock.now += 30_000;
    await t.send(device, [injected()]);
    t.clock.now += 30_000;
    await t.send(device, [injected()]);

    const findings = await t.findings();
    expect(findings.map((f) => [f.outcome, f.policy_version])).toEqual([
      ['would_terminate', enforceVersion - 1],
      ['verdict_issued', enforceVersion],
      ['cooldown', enforceVersion],
    ]);
    expect(findings[0]!.evidence.wouldBeVerdict).toMatchObject({
      reasons: ['session_cookie_injection'],
      target: { userId: 'U0ANALYST' },
    });
    expect((await t.verdicts()).map((v) => v.policyVersion)).toEqual([enforceVersion]);
  });

  it('turns a disabled detector off and an alert-only one into an alert', async () => {
    t = await createDetectionApp(dialect, {
      ...POLICY,
      detectors: {
        session_cookie_injection: { enabled: false },
        unexpected_api_call_volume: { action: 'alert', maxCallsPerMinute: 100 },
      },
    });
    const device = await t.enroll();

    await t.send(device, [injected(), scrape()]);

    expect(await t.verdicts()).toEqual([]);
    expect(await t.findings()).toMatchObject([{ reason: 'unexpected_api_call_volume', outcome: 'alert' }]);
  });
});
