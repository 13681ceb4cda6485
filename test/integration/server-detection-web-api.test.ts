/**
 * Issue #14's detectors of Slack web API use through the signed ingest route, over real
 * stores: the method and count columns and the SQL that reads one minute of them (message
 * deletion, file shares, scraping), the per-day admin baseline across a verified user's
 * devices, spoofed_user_agent from a heartbeat's fingerprint, and asn from an indicator
 * list file. Each with its twin.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { ClientFingerprint, Signal } from '../../src/shared/protocol/signals';
import type { FakeDevice } from '../fixtures/server/fake-device';
import { LINUX_LAPTOP, WINDOWS_PC } from '../fixtures/detectors/state';
import { createDetectionApp, type DetectionApp } from './server-support/detection-app';
import { DIALECTS, stopPostgres } from './server-support/test-store';

afterAll(stopPostgres);

const DAY = 86_400_000;

describe.each(DIALECTS)('web API detectors (%s)', (dialect) => {
  let t: DetectionApp;
  afterEach(async () => t?.close());

  const calls = (method: string, count: number, at = t.clock.now): Signal => ({
    id: randomUUID(),
    type: 'api_calls',
    at,
    sessionKey: null,
    method,
    count,
    windowStart: at - 10_000,
    windowMs: 10_000,
  });
  /** `perMinute` calls to `method` for `minutes`, a report every 10 s, the clock moving along. */
  async function pace(device: FakeDevice, method: string, perMinute: number, minutes: number) {
    for (let i = 0; i < minutes * 6; i++) {
      t.clock.now += 10_000;
      await t.send(device, [calls(method, Math.round(perMinute / 6))]);
    }
  }
  /** Each reason and outcome once: the attack goes on after its verdict, inside the cooldown. */
  const reasons = async () => [
    ...new Map((await t.findings()).map((f) => [`${f.reason}/${f.outcome}`, [f.reason, f.outcome]])).values(),
  ];

  it('ends a 300-a-minute deletion, and leaves a 30-message clean-up alone', async () => {
    t = await createDetectionApp(dialect, {});
    const [cleaner, wiper] = [await t.enroll(), await t.enroll()];

    await pace(cleaner, 'chat.delete', 30, 1);
    await pace(wiper, 'chat.delete', 300, 1);

    expect(await reasons()).toEqual([
      ['unexpected_message_deletion', 'verdict_issued'],
      ['unexpected_message_deletion', 'cooldown'],
    ]);
    expect((await t.verdicts()).map((v) => v.target.deviceId)).toEqual([wiper.id]);
  });

  it('ends 200 file shares a minute, and leaves a user sharing 2 files alone', async () => {
    t = await createDetectionApp(dialect, {});
    const [user, thief] = [await t.enroll(), await t.enroll()];

    await t.send(user, [calls('files.share', 1), calls('files.sharedPublicURL', 1)]);
    await pace(thief, 'files.sharedPublicURL', 200, 1);

    expect(await reasons()).toEqual([
      ['excessive_file_shares', 'verdict_issued'],
      ['excessive_file_shares', 'cooldown'],
    ]);
    expect((await t.verdicts()).map((v) => v.target.deviceId)).toEqual([thief.id]);
  });

  it('ends a steady export-tool pace that stays under the volume limit, not a busy search', async () => {
    t = await createDetectionApp(dialect, {});
    const [searcher, tool] = [await t.enroll(), await t.enroll()];

    await pace(searcher, 'search.messages', 196, 0.67);
    await pace(tool, 'conversations.history', 90, 4);

    expect(await reasons()).toEqual([
      ['unexpected_scraping', 'verdict_issued'],
      ['unexpected_scraping', 'cooldown'],
    ]);
    expect((await t.findings())[0]!.evidence).toMatchObject({ methods: ['conversations.history'], minMinutes: 3 });
  });

  it('flags a first admin call after days of API use without one, across the user\u2019s devices; an admin\u2019s export passes', async () => {
    t = await createDetectionApp(dialect, {});
    const [laptop, desktop, admin] = [await t.enroll(), await t.enroll(), await t.enroll()];
    await t.vouch(laptop, 'U0ANALYST1');
    await t.vouch(desktop, 'U0ANALYST1');
    await t.vouch(admin, 'U0ADMIN001');
    for (let day = 0; day < 4; day++) {
      await t.send(laptop, [calls('conversations.history', 20)]);
      await t.send(admin, [calls('admin.users.list', 5)]);
      t.clock.now += DAY;
    }

    await pace(admin, 'admin.conversations.search', 40, 5);
    await t.send(desktop, [calls('admin.users.session.reset', 1)]);

    const findings = await t.findings();
    expect(findings.map((f) => [f.reason, f.outcome, f.subject])).toEqual([
      ['unexpected_admin_action', 'alert', 'U0ANALYST1'],
    ]);
    expect(findings[0]!.evidence).toMatchObject({ rule: 'first_use', baseline: { activeDays: 4, adminCalls: 0 } });
  });

  it('ends a browser whose user agent contradicts its client hints, not a normal one', async () => {
    t = await createDetectionApp(dialect, {});
    const [honest, spoofed] = [await t.enroll(), await t.enroll()];
    const beat = (fingerprint: ClientFingerprint): Signal => ({
      id: randomUUID(),
      type: 'heartbeat',
      at: t.clock.now,
      sessionKey: null,
      fingerprint,
    });

    await t.send(honest, [beat(WINDOWS_PC)]);
    await t.send(spoofed, [beat({ ...LINUX_LAPTOP, userAgent: WINDOWS_PC.userAgent })]);

    expect(await reasons()).toEqual([['spoofed_user_agent', 'verdict_issued']]);
    expect((await t.verdicts()).map((v) => v.target.deviceId)).toEqual([spoofed.id]);
  });

  it('ends a session reported from an address on the asn indicator list, and not one from the office', async () => {
    const list = join(mkdtempSync(join(tmpdir(), 'sg-ioc-')), 'ioc.txt');
    writeFileSync(list, '# known bad\n45.141.84.0/24\nAS9009\n');
    t = await createDetectionApp(dialect, {
      detectors: { asn: { enabled: true, action: 'terminate', iocList: list } },
    });
    const [office, listed] = [await t.enroll(), await t.enroll()];
    const beat = (): Signal => ({
      id: randomUUID(),
      type: 'heartbeat',
      at: t.clock.now,
      sessionKey: randomUUID().replace(/-/g, '').repeat(2),
    });

    await t.send(office, [beat()]);
    await t.send(listed, [beat()], { ip: '45.141.84.19' });

    expect(await reasons()).toEqual([['asn', 'verdict_issued']]);
    expect((await t.findings())[0]!.evidence).toMatchObject({ sourceIp: '45.141.84.19', list });
    expect((await t.verdicts()).map((v) => v.target.deviceId)).toEqual([listed.id]);
  });
});
