/**
 * `guard_silenced` (issue #12) over a real store of each dialect: a verified device that
 * stops reporting while Slack's audit log shows its user active from the same browser
 * becomes one finding per silence (however often, and on however many replicas, the check
 * runs); a phone, activity before the last report, or a device that merely claims the
 * user raise nothing. The signed uninstall link records a removal for exactly the device
 * that signed it; a forged, unsigned or replayed-for-another-device link changes nothing.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createWebhookAs } from '../../src/server/admin/webhook-actions';
import { createWebhookDispatcher } from '../../src/server/webhooks/dispatcher';
import { insertAccessEntries } from '../../src/server/db/slack-access-logs.repository';
import { insertAuditEntries } from '../../src/server/db/slack-audit.repository';
import { createMetrics } from '../../src/server/metrics';
import { checkSilentDevices } from '../../src/server/silence/silence-check';
import { createLocalHub } from '../../src/server/verdicts/hub';
import { uninstallSignedText, uninstallUrl } from '../../src/shared/protocol/uninstall';
import { auditEntry } from '../fakes/fake-slack-api';
import { fakeDevice, type FakeDevice } from '../fixtures/server/fake-device';
import { DIALECTS, stopPostgres } from './server-support/test-store';
import { BROWSER_UA, createSlackTestApp, SLACK_USER, type SlackTestApp } from './server-support/slack-app';

const PHONE_UA = 'com.tinyspeck.chatlyio/24.11.10 (iPhone; iOS 18.1; Scale/3.00)';
const SILENCE = { detectors: { guard_silenced: { silenceSeconds: 600 } } };

let t: SlackTestApp;
afterEach(async () => t?.close());
afterAll(async () => stopPostgres());

const check = (replica = createLocalHub()) =>
  checkSilentDevices({
    db: t.store.db,
    verdictKeys: t.store.secrets.verdictKeys,
    hub: replica,
    metrics: createMetrics(),
    now: () => t.clock.now,
  });
let entrySeq = 0;
/** Slack's audit log (as the connector stores it) shows SLACK_USER active at `at` (ms). */
async function slackActivity(at: number, ua = BROWSER_UA, userId = SLACK_USER) {
  const entry = auditEntry({ id: `e${++entrySeq}`, at: Math.floor(at / 1000), userId, ua, ip: '203.0.113.10' });
  await insertAuditEntries(t.store.db, [
    {
      id: entry.id,
      date_create: entry.date_create,
      action: entry.action,
      user_id: userId,
      payload: JSON.stringify(entry),
      status: 'done',
      locked_until: 0,
      received_at: at,
      processed_at: at,
      result: '{}',
    },
  ]);
}
const silenced = async () =>
  (await t.api('GET', '/api/findings')).body.findings.filter((f: { reason: string }) => f.reason === 'guard_silenced');
const uninstallQuery = async (device: FakeDevice, at: number, signer: FakeDevice = device) =>
  new URL(uninstallUrl('http://x', device.id, at, await signer.sign(uninstallSignedText(device.id, at)))).search;

describe.each(DIALECTS)('guard_silenced (%s)', (dialect) => {
  it('a verified device silent past the window while its user works in the same browser is one finding', async () => {
    t = await createSlackTestApp(dialect, SILENCE);
    const device = await t.guardedDevice();
    const lastReport = t.clock.now;
    t.clock.now += 120_000;
    await slackActivity(t.clock.now);

    t.clock.now += 300_000; // silent 7 min: not yet
    const early = await check();
    t.clock.now += 301_000; // silent just over 10 min
    const first = await check();
    const again = await Promise.all([check(), check(createLocalHub())]); // and two replicas at once

    expect(early).toEqual([]);
    expect(first).toHaveLength(1);
    expect(again.flat()).toEqual([]);
    const [finding] = await silenced();
    expect(finding).toMatchObject({ deviceId: device.id, outcome: 'alert', subject: SLACK_USER });
    expect(finding.evidence).toMatchObject({ how: 'silent', lastReportAt: lastReport, silenceSeconds: 600 });
    expect(finding.evidence.activity[0]).toMatchObject({ source: 'audit_log', sameUserAgent: true });
  });

  it('counts activity seen only in team.accessLogs (plans without the Audit Logs API)', async () => {
    t = await createSlackTestApp(dialect, SILENCE);
    const device = await t.guardedDevice();
    t.clock.now += 120_000;
    const at = Math.floor(t.clock.now / 1000);
    const login = {
      user_id: SLACK_USER,
      ip: '203.0.113.10',
      user_agent: BROWSER_UA,
      date_first: at,
      date_last: at,
      count: 3,
    };
    await insertAccessEntries(t.store.db, [
      {
        id: 'access-1',
        user_id: SLACK_USER,
        date_last: at,
        payload: JSON.stringify(login),
        status: 'done',
        locked_until: 0,
        received_at: t.clock.now,
        processed_at: t.clock.now,
        result: '{}',
      },
    ]);
    t.clock.now += 601_000;

    const found = await check();

    expect(found).toHaveLength(1);
    const [finding] = await silenced();
    expect(finding).toMatchObject({ deviceId: device.id, subject: SLACK_USER });
    expect(finding.evidence.activity[0]).toMatchObject({ source: 'access_log', ref: 'access-1', sameUserAgent: true });
  });

  it('a phone, activity before the last report, or a device that only claims the user raise nothing', async () => {
    t = await createSlackTestApp(dialect, SILENCE);
    await t.guardedDevice();
    await slackActivity(t.clock.now - 60_000); // before the last report
    await slackActivity(t.clock.now + 60_000, PHONE_UA);
    const claimer = await t.claimingDevice('U0SOMEONE2');
    await slackActivity(t.clock.now + 60_000, BROWSER_UA, 'U0SOMEONE2');
    t.clock.now += 3600_000;

    const quiet = await check();
    await t.setPolicy({ detectors: { guard_silenced: { silenceSeconds: 600, activity: 'any' } } });
    const anyClient = await check();

    expect(quiet).toEqual([]);
    expect(anyClient).toHaveLength(1);
    expect((await silenced()).map((f: { deviceId: string }) => f.deviceId)).not.toContain(claimer.id);
  });

  it('each silence is its own finding: a device that reports again and falls silent again is found again', async () => {
    t = await createSlackTestApp(dialect, { ...SILENCE, cooldownSeconds: 0 });
    const device = await t.guardedDevice();
    await slackActivity(t.clock.now + 60_000);
    t.clock.now += 700_000;
    await check();
    await t.poll(device); // it reports again
    await slackActivity(t.clock.now + 60_000);
    t.clock.now += 700_000;

    await check();

    expect(await silenced()).toHaveLength(2);
  });

  it('the signed uninstall link records the removal of exactly its device, once', async () => {
    t = await createSlackTestApp(dialect, {});
    const device = await t.guardedDevice();
    const at = t.clock.now - 86_400_000; // the link was set a day ago
    const query = await uninstallQuery(device, at);

    const pages = [
      await t.app.inject({ method: 'GET', url: `/v1/uninstalled${query}` }),
      await t.app.inject({ method: 'GET', url: `/v1/uninstalled${query}` }),
    ];

    expect(pages.map((p) => p.statusCode)).toEqual([200, 200]);
    expect(pages[0]!.body).toContain('Session Guard was removed');
    const findings = await silenced();
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ deviceId: device.id, subject: SLACK_USER });
    expect(findings[0].evidence).toMatchObject({ how: 'uninstalled', linkSetAt: at });
  });

  it('a forged, unsigned or tampered uninstall link changes nothing (an insider cannot silence a colleague)', async () => {
    t = await createSlackTestApp(dialect, {});
    const victim = await t.guardedDevice();
    const insider = await t.enroll();
    const stranger = await fakeDevice();
    const at = t.clock.now;
    const forged = await uninstallQuery(victim, at, insider);
    const tampered = (await uninstallQuery(victim, at)).replace(`t=${at}`, `t=${at + 1}`);
    const unsigned = `?d=${victim.id}&t=${at}`;
    const unknown = await uninstallQuery(stranger, at);

    const pages = await Promise.all(
      [forged, tampered, unsigned, unknown].map((q) => t.app.inject({ method: 'GET', url: `/v1/uninstalled${q}` })),
    );

    expect(pages.map((p) => p.statusCode)).toEqual([200, 200, 200, 200]);
    expect(new Set(pages.map((p) => p.body)).size).toBe(1); // the same page: it tells a prober nothing
    expect(await silenced()).toEqual([]);
  });

  it('goes out as a finding.recorded webhook like any other finding', async () => {
    t = await createSlackTestApp(dialect, SILENCE);
    const bodies: string[] = [];
    const hook = createServer((req, res) => {
      let text = '';
      req.on('data', (c) => (text += c));
      req.on('end', () => (bodies.push(text), res.writeHead(204).end()));
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
    const targets = { allowPrivate: true };
    await createWebhookAs(
      t.store.db,
      t.clock.now,
      { actor: 'test', ip: null },
      { url, events: ['finding.recorded'] },
      targets,
    );
    const device = await t.guardedDevice();
    await slackActivity(t.clock.now + 60_000);
    t.clock.now += 700_000;
    await check();
    const dispatcher = createWebhookDispatcher({
      db: t.store.db,
      now: () => t.clock.now,
      metrics: createMetrics(),
      targets,
      intervalMs: 3600_000,
    });

    await dispatcher.tick();
    await dispatcher.tick();
    await dispatcher.stop();
    await new Promise<void>((resolve) => hook.close(() => resolve()));

    const silencedHooks = bodies.map((b) => JSON.parse(b)).filter((b) => b.data.reason === 'guard_silenced');
    expect(silencedHooks).toHaveLength(1);
    expect(silencedHooks[0]).toMatchObject({ type: 'finding.recorded', data: { deviceId: device.id } });
    expect(silencedHooks[0].text).toContain('guard_silenced');
  });
});
