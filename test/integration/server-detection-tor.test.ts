/**
 * The tor detector with a real exit list behind the app: a report from a listed exit ends
 * the session; X-Forwarded-For counts only behind a trusted proxy (and then only what the
 * proxy appended); the list's status and age show in GET /api/tor-exit-list (never in /readyz),
 * and a refresh there picks up a changed file.
 */
import { randomUUID } from 'node:crypto';
import { copyFile, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApiToken } from '../../src/server/auth/admin-auth';
import { createTorExitList, type TorExitList } from '../../src/server/tor/exit-list';
import { fakeHeartbeat } from '../fixtures/server/fake-signals';
import { createDetectionApp, type DetectionApp } from './server-support/detection-app';
import { DIALECTS, stopPostgres } from './server-support/test-store';

afterAll(stopPostgres);

const EXIT = '185.220.101.1';
const PROXY = '10.0.0.2';
const POLICY = { cooldownSeconds: 0 };

describe.each(DIALECTS)('tor (%s)', (dialect) => {
  let t: DetectionApp;
  let dir: string;
  let list: TorExitList;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sg-tor-it-'));
  });
  afterEach(async () => {
    list?.stop();
    await t?.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function withList(lines: string[], trustProxy?: number) {
    const file = join(dir, 'exits.txt');
    await writeFile(file, `${lines.join('\n')}\n`);
    list = createTorExitList({ source: file });
    await list.start();
    t = await createDetectionApp(dialect, POLICY, { torList: list, ...(trustProxy ? { trustProxy } : {}) });
    return file;
  }
  // Each device its own Slack session, so only the source address is under test.
  const beat = () => [fakeHeartbeat({ at: t.clock.now, sessionKey: randomUUID().replace(/-/g, '').repeat(2) })];

  it('ends the session of a device reporting from a Tor exit, and records the list it matched', async () => {
    await withList([EXIT, '2a0b:f4c2::1']);
    const [clean, tor] = [await t.enroll(), await t.enroll()];

    await t.send(clean, beat(), { ip: '203.0.113.10' });
    await t.send(tor, beat(), { ip: EXIT });

    const verdicts = await t.verdicts();
    expect(verdicts.map((v) => [v.reasons, v.target.deviceId])).toEqual([[['tor'], tor.id]]);
    expect((await t.findings())[0]!.evidence).toMatchObject({ sourceIp: EXIT, listEntries: 2, listStatus: 'fresh' });
  });

  it('ignores X-Forwarded-For unless the proxy is trusted', async () => {
    await withList([EXIT]);
    const device = await t.enroll();

    await t.send(device, beat(), { ip: PROXY, forwardedFor: EXIT });

    expect(await t.findings()).toEqual([]);
  });

  it('behind a trusted proxy uses the address the proxy saw, not one the client wrote', async () => {
    await withList([EXIT], 1);
    const [spoofer, honest] = [await t.enroll(), await t.enroll()];

    // The client claims an office address; the proxy appends the exit it really came from.
    await t.send(spoofer, beat(), { ip: PROXY, forwardedFor: `203.0.113.10, ${EXIT}` });
    await t.send(honest, beat(), { ip: PROXY, forwardedFor: '198.51.100.7' });

    expect((await t.verdicts()).map((v) => v.target.deviceId)).toEqual([spoofer.id]);
  });

  it('shows the list in the admin API (not in /readyz), and a refresh picks up a changed file', async () => {
    const file = await withList(['185.220.101.9']);
    const token = await createApiToken(t.store.db, 'test', t.clock.now);
    const auth = { authorization: `Bearer ${token}` };

    const ready = await t.app.inject({ url: '/readyz' });
    const listed = (await t.app.inject({ url: '/api/tor-exit-list', headers: auth })).json();
    const unauthenticated = await t.app.inject({ url: '/api/tor-exit-list' });
    await writeFile(file, `185.220.101.9\n${EXIT}\n`);
    const refreshed = await t.app.inject({ method: 'POST', url: '/api/tor-exit-list/refresh', headers: auth });

    expect(ready.json()).toEqual({ status: 'ready', slackIdentity: 'not_configured' });
    expect(ready.body).not.toContain(file);
    expect(listed).toMatchObject({ status: 'fresh', entries: 1, source: file, stale: false });
    expect(unauthenticated.statusCode).toBe(401);
    expect(refreshed.json()).toMatchObject({ status: 'fresh', entries: 2, error: null });
    const device = await t.enroll();
    await t.send(device, beat(), { ip: EXIT });
    expect(await t.verdicts()).toHaveLength(1);
  });

  it('reports the real 2023-10-14 list as stale, with its age, and counts it in /metrics', async () => {
    const file = join(dir, 'torbulkexitlist');
    await copyFile(new URL('../fixtures/tor/torbulkexitlist-2023-10-14.txt', import.meta.url).pathname, file);
    const published = Date.parse('2023-10-14T00:00:00Z') / 1000;
    await utimes(file, published, published);
    list = createTorExitList({ source: file });
    await list.start();
    t = await createDetectionApp(dialect, POLICY, { torList: list });
    const token = await createApiToken(t.store.db, 'test', t.clock.now);

    const status = (
      await t.app.inject({ url: '/api/tor-exit-list', headers: { authorization: `Bearer ${token}` } })
    ).json();
    const metrics = (await t.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${token}` } })).body;

    expect(status).toMatchObject({ status: 'stale', stale: true, entries: 1305, asOf: published * 1000 });
    expect(status.ageSeconds).toBeGreaterThan(365 * 86_400);
    expect(metrics).toMatch(/^sg_tor_exit_list_stale 1$/m);
    expect(metrics).toMatch(/^sg_tor_exit_list_entries 1305$/m);
  });

  it('waits for a Slack session before ending anything', async () => {
    await withList([EXIT]);
    const device = await t.enroll();

    await t.send(device, [fakeHeartbeat({ at: t.clock.now, sessionKey: null })], { ip: EXIT });

    expect(await t.findings()).toEqual([]);
  });

  it('says the list is not configured, rather than nothing, when there is none', async () => {
    t = await createDetectionApp(dialect, POLICY);
    const device = await t.enroll();

    await t.send(device, beat(), { ip: EXIT });

    const token = await createApiToken(t.store.db, 'test', t.clock.now, 'read');
    expect(
      (await t.app.inject({ url: '/api/tor-exit-list', headers: { authorization: `Bearer ${token}` } })).json(),
    ).toMatchObject({ status: 'unconfigured', stale: true });
    expect(await t.findings()).toEqual([]);
  });
});
