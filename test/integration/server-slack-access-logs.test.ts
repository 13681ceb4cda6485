/**
 * The access-log connector (issue #12) against the fake `team.accessLogs` and a real store
 * of each dialect: a paid workspace's admin token (no auditlogs:read) switches the feed to
 * the access logs and the status says why; a verified user's login from an unknown
 * address and client becomes a `session_used_off_device` finding and a verdict to the
 * device; replayed pages add nothing; a crash resumes at the saved `before` with no gap
 * (an aggregate whose date_last moves is new activity, once); two replicas store each key
 * once; a device that merely claims the user guards nothing; 429 pauses it.
 */
import { afterAll, afterEach, assert, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/server/metrics';
import { createAccessLogConnector, type AccessLogConnector } from '../../src/server/slack/access-log-connector';
import type { SlackRuntime } from '../../src/server/slack/context';
import { createLocalHub } from '../../src/server/verdicts/hub';
import { accessLogin, FAKE_ACCESS_TOKEN, startFakeSlackApi, type FakeSlackApi } from '../fakes/fake-slack-api';
import { signIn } from './server-support/admin-session';
import { stopPostgres, DIALECTS } from './server-support/test-store';
import { BROWSER_UA, createSlackTestApp, OFFICE_IP, SLACK_USER, type SlackTestApp } from './server-support/slack-app';

let fake: FakeSlackApi;
let t: SlackTestApp;
beforeAll(async () => {
  fake = await startFakeSlackApi();
});
afterAll(async () => {
  await fake.close();
  await stopPostgres();
});
afterEach(async () => {
  await t?.close();
  fake.calls.splice(0);
  fake.accessLogs.splice(0);
});

const THIEF_IP = '198.51.100.7';
const THIEF_UA = 'python-requests/2.31';
const seconds = () => Math.floor(t.clock.now / 1000);
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const runtime = (): SlackRuntime => ({
  db: t.store.db,
  now: () => t.clock.now,
  hub: createLocalHub(),
  verdictKeys: t.store.secrets.verdictKeys,
  metrics: createMetrics(),
  log: quiet,
});
const connector = (maxPagesPerPoll = 10): AccessLogConnector =>
  createAccessLogConnector({ ...t.slack.context, now: () => t.clock.now }, runtime, {
    lookbackSeconds: 3600,
    overlapSeconds: 300,
    requestGapMs: 0,
    pollMs: 1000,
    pageSize: 2,
    maxPagesPerPoll,
  });
const connectPaid = async () => {
  const res = await t.api('PUT', '/api/slack/connection', { token: FAKE_ACCESS_TOKEN });
  if (res.status !== 200) throw new Error(`connect failed: ${res.status} ${res.text}`);
};
const login = (user: string, n: number, last: number, count = 1) =>
  accessLogin({ userId: user, ip: `192.0.2.${n}`, ua: `client/${n}`, first: last - 3600, last, count });
const stored = async () =>
  (
    await t.store.db.selectFrom('slack_access_entries').select(['user_id', 'date_last']).orderBy('date_last').execute()
  ).map((r) => `${r.user_id}@${Number(r.date_last) - seconds()}`);
const offDevice = async () =>
  t.store.db
    .selectFrom('findings')
    .selectAll()
    .where('detector', '=', 'session_used_off_device')
    .orderBy('event_at')
    .execute();
const requests = () => fake.callsTo('team.accessLogs').map((c) => c.params);

describe.each(DIALECTS)('Slack access-log connector (%s)', (dialect) => {
  it('a verified user’s login from an unknown address and client: a finding, a verdict to the device, nothing twice', async () => {
    t = await createSlackTestApp(dialect, { detectors: { session_used_off_device: { action: 'terminate' } } }, fake);
    await connectPaid();
    const device = await t.guardedDevice();
    fake.accessLogs.push(
      accessLogin({ userId: SLACK_USER, ip: OFFICE_IP, ua: BROWSER_UA, first: seconds() - 900, last: seconds() - 30 }),
      accessLogin({ userId: SLACK_USER, ip: THIEF_IP, ua: THIEF_UA, first: seconds() - 20, last: seconds() - 10 }),
    );

    await t.slack.tick();
    const status = (await t.api('GET', '/api/slack/connection')).body;
    t.clock.now += 5_000;
    await t.slack.tick(); // the same pages again: the aggregates did not move
    t.clock.now += 5_000;
    await t.slack.tick();

    expect(status.feed).toEqual({ source: 'access_logs', why: expect.stringContaining('lacks auditlogs:read') });
    const admin = await signIn(t.app, t.store.db);
    const overview = (await t.app.inject({ method: 'GET', url: '/', headers: { cookie: admin.cookie } })).body;
    expect(overview).toMatch(/id="slack-feed">.*team\.accessLogs.*lacks auditlogs:read/s);
    expect(fake.callsTo('audit/v1/logs')).toEqual([]);
    const [finding, ...more] = await offDevice();
    assert(finding, 'a session_used_off_device finding');
    expect(more).toEqual([]);
    expect(finding).toMatchObject({ outcome: 'verdict_issued', device_id: device.id, subject: SLACK_USER });
    expect(JSON.parse(finding.evidence)).toMatchObject({
      source: 'team.accessLogs',
      ip: THIEF_IP,
      userAgent: THIEF_UA,
      unknownAddress: true,
      unknownUserAgent: true,
    });
    expect(await t.poll(device)).toEqual([finding.verdict_id]); // the device is told to clear its Slack session
    expect(requests()).toHaveLength(3); // it did read the pages again
    expect(status.accessLog).toMatchObject({ entriesSeen: 2, pendingEntries: 0, lastError: null });
    expect((await t.api('GET', '/api/slack/connection')).body.accessLog.entriesSeen).toBe(2);
  });

  it('user_agent: a login with an older Chrome than the guarded browser runs is a client downgrade; the browser updated, or itself, is not', async () => {
    t = await createSlackTestApp(dialect, { detectors: { user_agent: { enabled: true } } }, fake);
    await connectPaid();
    const device = await t.guardedDevice();
    const older = BROWSER_UA.replace('Chrome/156.0.0.0', 'Chrome/120.0.0.0');
    const updated = BROWSER_UA.replace('Chrome/156.0.0.0', 'Chrome/157.0.0.0');
    fake.accessLogs.push(
      accessLogin({ userId: SLACK_USER, ip: OFFICE_IP, ua: BROWSER_UA, first: seconds() - 900, last: seconds() - 40 }),
      accessLogin({ userId: SLACK_USER, ip: OFFICE_IP, ua: updated, first: seconds() - 30, last: seconds() - 30 }),
      accessLogin({ userId: SLACK_USER, ip: THIEF_IP, ua: older, first: seconds() - 20, last: seconds() - 10 }),
    );

    await t.slack.tick();
    await t.slack.tick(); // read again: nothing twice

    const findings = await t.store.db.selectFrom('findings').selectAll().where('detector', '=', 'user_agent').execute();
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ outcome: 'alert', device_id: device.id, subject: SLACK_USER });
    expect(JSON.parse(findings[0]!.evidence)).toMatchObject({
      userAgentDetails: 'client-downgrade',
      client: { product: 'Chrome', version: 120 },
      newestGuardedVersion: 156,
    });
    // Every login was looked at: the three entries are processed, only the downgrade counted.
    expect((await t.api('GET', '/api/slack/connection')).body.accessLog).toMatchObject({
      entriesSeen: 3,
      pendingEntries: 0,
    });
  });

  it('a login that moves on is new activity, once; the same login read again adds nothing', async () => {
    t = await createSlackTestApp(dialect, {}, fake);
    await connectPaid();
    await t.guardedDevice();
    const thief = accessLogin({
      userId: SLACK_USER,
      ip: THIEF_IP,
      ua: THIEF_UA,
      first: seconds() - 50,
      last: seconds() - 40,
    });
    fake.accessLogs.push(thief);
    await t.slack.tick();
    t.clock.now += 60_000;
    Object.assign(thief, { date_last: seconds() - 5, count: 2 }); // used again
    await t.slack.tick();
    t.clock.now += 60_000;
    await t.slack.tick();

    expect((await offDevice()).map((f) => JSON.parse(f.evidence).loginCount)).toEqual([1, 2]);
    expect(await stored()).toEqual([`${SLACK_USER}@-160`, `${SLACK_USER}@-65`]);
  });

  it('resumes after a crash at the saved position, with no gap and no duplicate, while logins move', async () => {
    t = await createSlackTestApp(dialect, {}, fake);
    await connectPaid();
    const start = seconds();
    for (let i = 0; i < 7; i++) fake.accessLogs.push(login(`U${i}`, i, start - 600 + i * 10));

    await connector(1).poll(); // one page of two, then the process "dies" holding its lease
    const afterCrash = await stored();
    fake.accessLogs[0]!.date_last = start + 30; // U0 is used again before anyone read it
    fake.accessLogs[6]!.date_last = start + 20; // and U6, read before the crash, too
    t.clock.now += 60_000; // the dead replica's lease runs out
    const restarted = connector();
    await restarted.poll();
    fake.accessLogs.push(login('U7', 7, seconds() - 200)); // indexed late, inside the overlap
    t.clock.now += 10_000;
    await restarted.poll();
    await restarted.poll();

    expect(afterCrash).toEqual(['U5@-550', 'U6@-540']);
    expect(requests()[1]).toMatchObject({ before: start - 550, page: 1 }); // resumed at the saved place
    expect(await stored()).toEqual([
      'U1@-660',
      'U2@-650',
      'U3@-640',
      'U4@-630',
      'U5@-620',
      'U6@-610',
      'U7@-210',
      'U6@-50',
      'U0@-40',
    ]);
    const state = await t.store.db.selectFrom('slack_access_state').selectAll().executeTakeFirstOrThrow();
    expect(Number(state.entries_seen)).toBe(9);
  });

  it('lets one replica read at a time: two polling together store each key once', async () => {
    t = await createSlackTestApp(dialect, {}, fake);
    await connectPaid();
    for (let i = 0; i < 5; i++) fake.accessLogs.push(login(`R${i}`, i, seconds() - 100 + i));
    const [one, two] = [connector(), connector()];

    await Promise.all([one.poll(), two.poll(), one.poll(), two.poll()]);

    expect((await stored()).map((s) => s.split('@')[0])).toEqual(['R0', 'R1', 'R2', 'R3', 'R4']);
    expect((await t.api('GET', '/api/slack/connection')).body.accessLog).toMatchObject({
      entriesSeen: 5,
      pendingEntries: 0,
    });
  });

  it('an insider’s device that only claims the user guards nothing: no finding from their logins', async () => {
    t = await createSlackTestApp(dialect, { detectors: { session_used_off_device: { action: 'terminate' } } }, fake);
    await connectPaid();
    const insider = await t.claimingDevice(SLACK_USER, THIEF_IP);
    fake.accessLogs.push(
      accessLogin({ userId: SLACK_USER, ip: '192.0.2.200', ua: THIEF_UA, first: seconds() - 20, last: seconds() - 10 }),
    );

    await t.slack.tick();

    expect(await offDevice()).toEqual([]);
    expect(await t.poll(insider)).toEqual([]);
    const [row] = await t.store.db.selectFrom('slack_access_entries').select('result').execute();
    expect(JSON.parse(row!.result!)).toEqual({ correlation: 'not_guarded' });
  });

  it('stops asking while Slack says 429 (Tier 2), for as long as Retry-After says', async () => {
    t = await createSlackTestApp(dialect, {}, fake);
    await connectPaid();
    fake.failNext('team.accessLogs', { status: 429, retryAfter: 120 });
    const c = connector();

    await c.poll();
    t.clock.now += 60_000;
    await c.poll();
    const whilePaused = requests().length;
    t.clock.now += 61_000;
    await c.poll();

    expect(whilePaused).toBe(1);
    expect(requests()).toHaveLength(2);
    expect((await t.api('GET', '/api/slack/connection')).body.accessLog.lastError).toBeNull();
  });
});
