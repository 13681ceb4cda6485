/**
 * The asn detector through the real ingest, with the IP-to-ASN data set loaded from the
 * fixture file: a verified user's device reporting from an AS they never used, once their
 * history is past the learning period, gets a `new-asn` finding naming the AS and its
 * holder; inside the learning period it does not; a device that only claims the user
 * neither gets one nor teaches the user's history its network (the attacker's test); a
 * hosting provider's AS is `cloud-asn`. GET /api/asn-data and the dashboard overview show
 * the data set's status; the prune job forgets an AS a year after its last use.
 */
import { randomUUID } from 'node:crypto';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAsnData, type AsnData } from '../../src/server/asn/asn-data';
import { createApiToken } from '../../src/server/auth/admin-auth';
import { pruneStore } from '../../src/server/retention/prune';
import { DEFAULT_ORG_POLICY } from '../../src/shared/policy/org-policy';
import type { Signal } from '../../src/shared/protocol/signals';
import { fakeHeartbeat } from '../fixtures/server/fake-signals';
import type { FakeDevice } from '../fixtures/server/fake-device';
import { signIn } from './server-support/admin-session';
import { createDetectionApp, type DetectionApp } from './server-support/detection-app';
import { DIALECTS, stopPostgres } from './server-support/test-store';

afterAll(stopPostgres);

const DAY = 86_400_000;
const USER = 'U0ASNUSER1';
const HOME = '73.12.34.56'; // Comcast, AS7922
const TRAVEL = '86.140.1.1'; // BT, AS2856
const HOTEL = '79.200.1.1'; // Deutsche Telekom, AS3320
const AWS = '3.5.140.2'; // AMAZON-02, AS16509
const POLICY = {
  cooldownSeconds: 0,
  detectors: { asn: { enabled: true, action: 'alert', newAsnAfterDays: 14 } },
} as const;

describe.each(DIALECTS)('asn with the IP-to-ASN data set (%s)', (dialect) => {
  let t: DetectionApp;
  let dir: string;
  let data: AsnData;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sg-asn-it-'));
    const file = join(dir, 'ip2asn-combined.tsv');
    await copyFile(new URL('../fixtures/asn/ip2asn-sample.tsv', import.meta.url).pathname, file);
    data = createAsnData({ source: file });
    await data.start();
    t = await createDetectionApp(dialect, POLICY, { asnData: data });
  });
  afterEach(async () => {
    data?.stop();
    await t?.close();
    await rm(dir, { recursive: true, force: true });
  });

  // Each device its own Slack session, so only the source address is under test.
  const session = () => randomUUID().replace(/-/g, '').repeat(2);
  const beat = (sessionKey: string, claim?: string): Signal[] => [
    ...(claim
      ? [{ id: randomUUID(), type: 'slack_identity' as const, at: t.clock.now, teamId: 'T0SGUARD01', userId: claim }]
      : []),
    fakeHeartbeat({ at: t.clock.now, sessionKey }),
  ];
  const asnFindings = async () => (await t.findings()).filter((f) => f.reason === 'asn');

  async function verifiedDevice(): Promise<{ device: FakeDevice; key: string }> {
    const device = await t.enroll();
    await t.vouch(device, USER);
    return { device, key: session() };
  }

  it('flags a new AS of a verified user after the learning period, naming the AS and its holder', async () => {
    const { device, key } = await verifiedDevice();
    await t.send(device, beat(key), { ip: HOME });
    t.clock.now += 15 * DAY;

    await t.send(device, beat(key), { ip: HOME });
    expect(await asnFindings()).toEqual([]);
    await t.send(device, beat(key), { ip: TRAVEL });

    const findings = await asnFindings();
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ subject: USER, outcome: 'alert', device_id: device.id });
    expect(findings[0]!.evidence).toMatchObject({
      ipAddressDetails: ['new-asn'],
      asn: 2856,
      asnHolder: 'BT-UK-AS BTnet UK Regional network',
      asnData: { status: 'fresh' },
    });
  });

  it('does not flag a new AS inside the learning period', async () => {
    const { device, key } = await verifiedDevice();
    await t.send(device, beat(key), { ip: HOME });
    t.clock.now += 5 * DAY;

    await t.send(device, beat(key), { ip: TRAVEL });

    expect(await asnFindings()).toEqual([]);
    const rows = await t.store.db.selectFrom('user_asns').select(['asn']).orderBy('asn').execute();
    expect(rows.map((r) => Number(r.asn))).toEqual([2856, 7922]);
  });

  it('gives a device that only claims the user no new-asn, and its network does not enter the user’s history', async () => {
    const { device, key } = await verifiedDevice();
    await t.send(device, beat(key), { ip: HOME });
    t.clock.now += 15 * DAY;
    const claimer = await t.enroll();

    await t.send(claimer, beat(session(), USER), { ip: HOTEL });
    expect(await asnFindings()).toEqual([]);
    await t.send(device, beat(key), { ip: HOTEL });

    const findings = await asnFindings();
    expect(findings.map((f) => [f.device_id, f.evidence.asn])).toEqual([[device.id, 3320]]);
    const users = await t.store.db.selectFrom('user_asns').select('verified_user_id').distinct().execute();
    expect(users.map((u) => u.verified_user_id)).toEqual([USER]);
  });

  it('flags a hosting provider’s AS as cloud-asn when cloud is on, and not once it is excluded', async () => {
    await t.setPolicy({ ...POLICY, detectors: { asn: { enabled: true, action: 'alert', cloud: true } } });
    const device = await t.enroll();

    await t.send(device, beat(session()), { ip: AWS });
    await t.setPolicy({ ...POLICY, detectors: { asn: { enabled: true, cloud: true, excludedAsns: ['AS16509'] } } });
    await t.send(device, beat(session()), { ip: AWS });

    const findings = await asnFindings();
    expect(findings).toHaveLength(1);
    expect(findings[0]!.evidence).toMatchObject({
      ipAddressDetails: ['cloud-asn'],
      asn: 16509,
      asnHolder: 'AMAZON-02',
      cloudProvider: 'Amazon Web Services (AMAZON-02)',
    });
  });

  it('shows the data set in GET /api/asn-data and re-reads it on POST /api/asn-data/refresh', async () => {
    const token = await createApiToken(t.store.db, 'test', t.clock.now);
    const auth = { authorization: `Bearer ${token}` };

    const shown = await t.app.inject({ url: '/api/asn-data', headers: auth });
    const refreshed = await t.app.inject({ method: 'POST', url: '/api/asn-data/refresh', headers: auth });
    const anonymous = await t.app.inject({ url: '/api/asn-data' });
    const metrics = (await t.app.inject({ url: '/metrics', headers: auth })).body;

    expect(shown.json()).toMatchObject({ status: 'fresh', entries: 15, asns: 11, stale: false, error: null });
    expect(refreshed.json()).toMatchObject({ status: 'fresh', entries: 15 });
    expect(anonymous.statusCode).toBe(401);
    expect(metrics).toMatch(/^sg_asn_data_ranges 15$/m);
    expect(metrics).toMatch(/^sg_asn_data_age_seconds \d+$/m);
  });

  it('shows the data set’s age, ranges and AS numbers on the dashboard overview', async () => {
    const session = await signIn(t.app, t.store.db);

    const body = (await t.app.inject({ url: '/', headers: { cookie: session.cookie } })).body;

    expect(body).toContain('<h2>IP-to-ASN data</h2>');
    expect(body).toContain('15 ranges, 11 AS numbers');
  });

  it('prunes an AS a year after the user last reported from it, and keeps one in use', async () => {
    const { device, key } = await verifiedDevice();
    await t.send(device, beat(key), { ip: HOME });
    t.clock.now += 200 * DAY;
    await t.send(device, beat(key), { ip: TRAVEL });
    t.clock.now += 200 * DAY;

    const { deleted } = await pruneStore(t.store.db, DEFAULT_ORG_POLICY, t.clock.now);

    expect(deleted.user_asns).toBe(1);
    const rows = await t.store.db.selectFrom('user_asns').select('asn').execute();
    expect(rows.map((r) => Number(r.asn))).toEqual([2856]);
  });
});
