/**
 * The insider suite (issue #10): an employee with only the enrollment token (every managed
 * browser holds it) and a script. Each attack from the issue is played as written and must
 * fail for the attacker; SECURITY.md names each test. The victim's identity is what Slack
 * vouched for (Sign in with Slack sets `verified_user_id`; `vouch()` stands for a completed
 * verification, whose own checks are in server-identity tests).
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Signal } from '../../src/shared/protocol/signals';
import { auditEntry, FAKE_TOKEN, type FakeSlackApi } from '../fakes/fake-slack-api';
import { signedHeaders, type FakeDevice } from '../fixtures/server/fake-device';
import { DIALECTS } from './server-support/test-store';
import { createSlackTestApp, OFFICE_IP, type SlackTestApp, useFakeSlackApi } from './server-support/slack-app';

const VICTIM = 'U0VICTIM01';
const TEAM = 'T0SGUARD01';
const ATTACKER_IP = '198.51.100.66';
const ATTACKER_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/150.0';
const DAY = 86_400_000;
const KEY_A = 'a'.repeat(64);
const KEY_B = 'b'.repeat(64);

let fake: FakeSlackApi;
let t: SlackTestApp;
useFakeSlackApi({ started: (f) => (fake = f), app: () => t });

const claim = (userId: string, at: number): Signal => ({
  id: randomUUID(),
  type: 'slack_identity',
  at,
  teamId: TEAM,
  userId,
});
const cookieAppeared = (at: number, sessionKey = KEY_A, change: 'appeared' | 'changed' = 'appeared'): Signal => ({
  id: randomUUID(),
  type: 'session_cookie',
  at,
  sessionKey,
  change,
  lastSigninAt: null,
});
const downloads = (count: number, endAt: number, stepMs = 100): Signal[] =>
  Array.from({ length: count }, (_, i) => ({
    id: randomUUID(),
    type: 'download',
    at: endAt - (count - 1 - i) * stepMs,
    sessionKey: KEY_B,
    source: 'downloads_api',
    host: 'files.slack.com',
    bytes: 1000,
  }));

/** What a completed Sign in with Slack leaves on the device row. */
async function vouch(device: FakeDevice, userId: string): Promise<void> {
  await t.store.db
    .updateTable('devices')
    .set({
      verified_user_id: userId,
      verified_team_id: TEAM,
      verified_email: 'victim@example.com',
      verified_at: t.clock.now,
    })
    .where('id', '=', device.id)
    .execute();
}

async function victimDevice(): Promise<FakeDevice> {
  const device = await t.enroll();
  await t.send(device, [claim(VICTIM, t.clock.now)]);
  await vouch(device, VICTIM);
  return device;
}

async function findings(reason: string) {
  return t.store.db
    .selectFrom('findings')
    .selectAll()
    .where('reason', '=', reason)
    .orderBy('detected_at')
    .orderBy('id')
    .execute();
}

async function inBatches(device: FakeDevice, signals: Signal[], ip?: string) {
  for (let i = 0; i < signals.length; i += 450) await t.send(device, signals.slice(i, i + 450), ip);
}

describe.each(DIALECTS)('an insider with only the enrollment token (%s)', (dialect) => {
  it('1. cannot sign another user out of Slack by claiming to be them', async () => {
    t = await createSlackTestApp(
      dialect,
      {
        serverSideRevocation: 'user',
        detectors: { session_cookie_injection: { action: 'terminate' } },
      },
      fake,
    );
    await t.connect();
    const attacker = await t.enroll();

    await t.send(attacker, [claim(VICTIM, t.clock.now), cookieAppeared(t.clock.now + 1)], ATTACKER_IP);
    await t.slack.tick();

    const [verdict] = await t.store.db.selectFrom('verdicts').selectAll().execute();
    expect(verdict).toMatchObject({ device_id: attacker.id, subject: attacker.id });
    expect(JSON.parse(verdict!.payload).target.userId).toBeNull();
    const job = await t.api('GET', `/api/verdicts/${verdict!.id}/server-side`);
    expect(job.body.revocation).toMatchObject({ status: 'failed' });
    expect(job.body.revocation.lastError).toContain('no_verified_slack_user');
    expect(fake.callsTo('admin.users.session.reset')).toEqual([]);
  });

  it('2. cannot spend the victim’s cooldown: the victim’s next real finding still ends their session', async () => {
    t = await createSlackTestApp(dialect, { detectors: { session_cookie_injection: { action: 'terminate' } } }, fake);
    const victim = await victimDevice();
    const attacker = await t.enroll();
    await t.send(attacker, [claim(VICTIM, t.clock.now), cookieAppeared(t.clock.now + 1)], ATTACKER_IP);

    t.clock.now += 60_000;
    await t.send(victim, [cookieAppeared(t.clock.now)]);

    const rows = await findings('session_cookie_injection');
    expect(rows.map((r) => [r.device_id, r.subject, r.outcome])).toEqual([
      [attacker.id, attacker.id, 'verdict_issued'],
      [victim.id, VICTIM, 'verdict_issued'],
    ]);
  });

  it('2b. cooldown never hides a finding: a repeat inside it is recorded with outcome cooldown', async () => {
    t = await createSlackTestApp(dialect, { detectors: { session_cookie_injection: { action: 'terminate' } } }, fake);
    const victim = await victimDevice();
    await t.send(victim, [cookieAppeared(t.clock.now, KEY_A)]);

    t.clock.now += 30_000;
    await t.send(victim, [cookieAppeared(t.clock.now, KEY_B, 'changed')]);

    const rows = await findings('session_cookie_injection');
    expect(rows.map((r) => r.outcome)).toEqual(['verdict_issued', 'cooldown']);
    expect(JSON.parse(rows[1]!.evidence).cooldown).toMatchObject({ seconds: 300 });
    expect(await t.store.db.selectFrom('verdicts').select('id').execute()).toHaveLength(1);
  });

  it('3. cannot make its own address part of the victim’s footprint: the attacker’s use is off-device', async () => {
    t = await createSlackTestApp(
      dialect,
      { serverSideRevocation: 'session', detectors: { session_used_off_device: { action: 'terminate' } } },
      fake,
    );
    fake.sessions = [
      {
        session_id: 701,
        team_id: TEAM,
        user_id: VICTIM,
        created: { device_hardware: 'Computer', os: 'Linux', ip: OFFICE_IP },
      },
      {
        session_id: 777,
        team_id: TEAM,
        user_id: VICTIM,
        created: { device_hardware: 'Computer', os: 'Windows', ip: ATTACKER_IP },
      },
    ];
    await t.connect();
    await victimDevice();
    const attacker = await t.enroll();
    await t.send(attacker, [claim(VICTIM, t.clock.now)], ATTACKER_IP);
    fake.audit.push(
      auditEntry({
        id: 'stolen',
        at: Math.floor(t.clock.now / 1000) - 5,
        userId: VICTIM,
        action: 'file_downloaded',
        ip: ATTACKER_IP,
        ua: ATTACKER_UA,
        sessionId: '777',
      }),
    );

    await t.slack.tick();
    await t.slack.tick();

    const [finding] = await findings('session_used_off_device');
    expect(finding).toMatchObject({ subject: VICTIM, outcome: 'verdict_issued' });
    expect(JSON.parse(finding!.evidence)).toMatchObject({ ip: ATTACKER_IP, unknownAddress: true });
    expect(fake.callsTo('admin.users.session.invalidate').map((c) => c.params.session_id)).toEqual([777]);
  });

  it('4. cannot raise the victim’s baseline with back-dated downloads: 201 files in a minute are flagged', async () => {
    t = await createSlackTestApp(
      dialect,
      { detectors: { excessive_downloads: { action: 'terminate', maxFiles: 200, maxBytes: 1e12, windowSeconds: 60 } } },
      fake,
    );
    const victim = await victimDevice();
    const attacker = await t.enroll();
    await t.send(attacker, [claim(VICTIM, t.clock.now)], ATTACKER_IP);
    for (const daysAgo of [2, 3, 4]) await inBatches(attacker, downloads(450, t.clock.now - daysAgo * DAY, 60_000));

    await inBatches(victim, downloads(201, t.clock.now, 200));

    const [finding] = await findings('excessive_downloads');
    expect(finding).toMatchObject({ device_id: victim.id, subject: VICTIM, outcome: 'verdict_issued' });
    expect(JSON.parse(finding!.evidence)).toMatchObject({ files: 201, effectiveMaxFiles: 200, limitBasis: 'org' });
  });

  it('4b. a verified device’s own back-dated reports are stored as late and never raise its baseline', async () => {
    t = await createSlackTestApp(
      dialect,
      { detectors: { excessive_downloads: { action: 'terminate', maxFiles: 200, maxBytes: 1e12, windowSeconds: 60 } } },
      fake,
    );
    const victim = await victimDevice();
    await t.send(victim, downloads(1, t.clock.now - 60_000));
    for (const daysAgo of [2, 3, 4]) await inBatches(victim, downloads(450, t.clock.now - daysAgo * DAY, 60_000));

    await inBatches(victim, downloads(201, t.clock.now, 200));

    const late = await t.store.db
      .selectFrom('signals')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('late', '=', 1)
      .executeTakeFirstOrThrow();
    expect(Number(late.n)).toBe(1350);
    const [finding] = await findings('excessive_downloads');
    expect(JSON.parse(finding!.evidence)).toMatchObject({
      files: 201,
      effectiveMaxFiles: 200,
      limitBasis: 'org',
      baseline: null,
    });
  });

  it('4c. refuses a signal older than a device keeps them, or from after its batch, and stores nothing', async () => {
    t = await createSlackTestApp(dialect, {}, fake);
    const device = await t.enroll();
    const before = await t.store.db.selectFrom('signals').select('id').execute();

    const tooOld = await sendRaw(device, downloads(1, t.clock.now - 16 * DAY));
    const future = await sendRaw(device, downloads(1, t.clock.now + 10 * 60_000));

    expect([tooOld.statusCode, tooOld.json().error]).toEqual([400, 'signal_too_old']);
    expect([future.statusCode, future.json().error]).toEqual([400, 'signal_in_future']);
    expect(await t.store.db.selectFrom('signals').select('id').execute()).toEqual(before);
  });

  it('5. a sign-in page merely opened vouches for no cookie; one Slack completed does', async () => {
    t = await createSlackTestApp(dialect, { detectors: { session_cookie_injection: { action: 'terminate' } } }, fake);
    const device = await victimDevice();
    const started: Signal = { id: randomUUID(), type: 'signin_navigation', at: t.clock.now, step: 'signin' };
    await t.send(device, [started]);
    await t.send(device, [cookieAppeared(t.clock.now + 20_000, KEY_A)]);

    const completed: Signal = {
      id: randomUUID(),
      type: 'signin_navigation',
      at: t.clock.now + 40_000,
      step: 'completed',
    };
    await t.send(device, [completed]);
    await t.send(device, [cookieAppeared(t.clock.now + 41_000, KEY_B, 'changed')]);

    const rows = await findings('session_cookie_injection');
    expect(rows.map((r) => JSON.parse(r.evidence).cookieAt)).toEqual([t.clock.now + 20_000]);
  });

  it('6. the connected token’s owner is checked like anyone: only the integration’s own calls are skipped', async () => {
    t = await createSlackTestApp(
      dialect,
      {
        serverSideRevocation: 'user',
        detectors: { excessive_downloads: { maxFiles: 2, maxBytes: 1e12, windowSeconds: 60 } },
      },
      fake,
    );
    await t.connect();
    const owner = fake.tokens.get(FAKE_TOKEN)!.userId;
    const ownerDevice = await t.enroll();
    await t.send(ownerDevice, [claim(owner, t.clock.now)]);
    await vouch(ownerDevice, owner);
    const victim = await victimDevice();
    await t.triggerVerdict(victim);
    await t.slack.tick(); // our reset of the victim: logged by Slack as the owner's action
    expect(fake.callsTo('admin.users.session.reset').map((c) => c.params.user_id)).toEqual([VICTIM]);
    const now = Math.floor(t.clock.now / 1000);
    const ours = auditEntry({
      id: 'ours',
      at: now + 2,
      userId: owner,
      action: 'user_session_reset_by_admin',
      ip: '192.0.2.99',
    });
    ours.entity = { type: 'user', user: { id: VICTIM } };
    fake.audit.push(
      ours,
      auditEntry({
        id: 'owner-stolen',
        at: now + 3,
        userId: owner,
        action: 'file_downloaded',
        ip: ATTACKER_IP,
        ua: ATTACKER_UA,
      }),
    );
    t.clock.now += 10_000; // Slack indexes the entries; the next poll's window reaches them

    await t.slack.tick();

    const results = await t.store.db.selectFrom('slack_audit_entries').select(['id', 'result']).orderBy('id').execute();
    expect(results.map((r) => [r.id, JSON.parse(r.result!).skipped ?? JSON.parse(r.result!).correlation])).toEqual([
      ['ours', 'own_call'],
      ['owner-stolen', 'off_device'],
    ]);
    expect(await findings('session_used_off_device')).toMatchObject([{ subject: owner }]);
  });
});

async function sendRaw(device: FakeDevice, signals: Signal[]) {
  const payload = JSON.stringify({ deviceId: device.id, batchId: randomUUID(), sentAt: t.clock.now, signals });
  return t.app.inject({
    method: 'POST',
    url: '/v1/signals',
    payload,
    headers: await signedHeaders(device, payload),
    remoteAddress: OFFICE_IP,
  });
}
