/**
 * The Shared Signals transmitter (issue #12) over a real store of each dialect, with a
 * real receiver on loopback (test/fakes/fake-ssf-receiver.ts) that discovers the
 * transmitter, fetches its published JWKS and verifies every SET with `jose`. A verdict
 * about a verified user reaches it as a CAEP session-revoked, a copied-cookie finding as a
 * RISC credential-compromise; 202 ends the job, a 5xx retries with the same `jti`, a 4xx
 * gives up. A device that only claims a user tells the IdP nothing, and the receiver's
 * bearer token is nowhere in the store, the API or the logs.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { issueApiToken } from '../../src/server/auth/admin-auth';
import { findJob } from '../../src/server/db/jobs.repository';
import { insertFinding } from '../../src/server/db/findings.repository';
import { createJobRunner } from '../../src/server/jobs/runner';
import { loadSecretKey } from '../../src/server/slack/secret-key';
import { ssfDeliveryHandler, SSF_DELIVERY } from '../../src/server/ssf/delivery';
import { enqueueSsfEvents } from '../../src/server/ssf/enqueue';
import { createSsfService } from '../../src/server/ssf/service';
import { CAEP_SESSION_REVOKED, RISC_CREDENTIAL_COMPROMISE } from '../../src/server/ssf/set';
import { startFakeSsfReceiver, type FakeSsfReceiver } from '../fakes/fake-ssf-receiver';
import { fakeDownloadBurst } from '../fixtures/server/fake-signals';
import type { FakeDevice } from '../fixtures/server/fake-device';
import { postForm, signIn } from './server-support/admin-session';
import { createTestApp, type TestApp } from './server-support/test-app';
import { DIALECTS, stopPostgres } from './server-support/test-store';

const EMAIL = 'analyst@example.com';
const USER = 'U0SGUARD01';
const RECEIVER_TOKEN = `okta-ssf-${randomBytes(12).toString('hex')}`;
const AUDIENCE = 'https://example.okta.com';

let t: TestApp;
let receiver: FakeSsfReceiver;
let issuer: string;
let logs: string[];
afterEach(async () => {
  await t?.close();
  await receiver?.close();
});
afterAll(async () => stopPostgres());

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });

async function setUp(dialect: 'sqlite' | 'postgres') {
  const port = await freePort();
  issuer = `http://127.0.0.1:${port}`;
  logs = [];
  const secret = { SESSION_GUARD_SECRET_KEY: randomBytes(32).toString('base64') };
  const key = loadSecretKey({ env: secret, dataDir: '/nonexistent' });
  const ssf = createSsfService({ issuer, key: () => key, targets: { allowPrivate: true }, intervalMs: 0 });
  t = await createTestApp({
    dialect,
    policy: { detectors: { excessive_downloads: { maxFiles: 2, maxBytes: 1e12, windowSeconds: 60 } } },
    context: {
      ssf,
      logger: { level: 'trace', stream: { write: (line: string) => void logs.push(line) } },
    } as never,
  });
  await t.app.listen({ port, host: '127.0.0.1' });
  receiver = await startFakeSsfReceiver({ issuer, audience: AUDIENCE, token: RECEIVER_TOKEN });
  const admin = (await issueApiToken(t.store.db, 'ssf-tests', t.clock.now)).token;
  const api = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown) =>
    t.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${admin}`, ...(payload ? { 'content-type': 'application/json' } : {}) },
      ...(payload ? { payload: JSON.stringify(payload) } : {}),
    });
  const runner = createJobRunner({
    db: t.store.db,
    now: () => t.clock.now,
    handlers: [
      ssfDeliveryHandler({
        db: t.store.db,
        now: () => t.clock.now,
        key: () => key,
        issuer,
        targets: { allowPrivate: true },
        retryDelaysMs: [1000, 1000],
      }),
    ],
    before: async () => void (await enqueueSsfEvents(t.store.db, t.clock.now)),
    random: () => 0.5,
  });
  return { api, runner };
}

/** A device whose user Slack verified (Sign in with Slack's outcome, as the store keeps it). */
async function verifiedDevice(verified = true): Promise<FakeDevice> {
  const device = await t.enroll();
  await t.store.db
    .updateTable('devices')
    .set({
      user_id: USER,
      ...(verified ? { verified_user_id: USER, verified_email: EMAIL, verified_at: t.clock.now } : {}),
    })
    .where('id', '=', device.id)
    .execute();
  return device;
}

async function verdictFor(device: FakeDevice): Promise<string> {
  const res = await t.post('/v1/signals', device, {
    deviceId: device.id,
    batchId: randomUUID(),
    sentAt: t.clock.now,
    signals: fakeDownloadBurst(3, t.clock.now),
  });
  expect(res.statusCode).toBe(200);
  const row = await t.store.db
    .selectFrom('verdicts')
    .select('id')
    .where('device_id', '=', device.id)
    .orderBy('issued_at', 'desc')
    .executeTakeFirstOrThrow();
  return row.id;
}

async function addReceiver(api: Awaited<ReturnType<typeof setUp>>['api']) {
  const res = await api('POST', '/api/ssf/receivers', { url: receiver.url, token: RECEIVER_TOKEN, audience: AUDIENCE });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { id: string; tokenHint: string };
}

describe.each(DIALECTS)('SSF transmitter (%s)', (dialect) => {
  it('publishes its configuration and JWKS under the public URL', async () => {
    await setUp(dialect);

    const config = await (await fetch(`${issuer}/.well-known/ssf-configuration`)).json();
    const jwks = await (await fetch(config.jwks_uri)).json();

    expect(config).toMatchObject({
      spec_version: '1_0',
      issuer,
      jwks_uri: `${issuer}/.well-known/ssf-jwks.json`,
      delivery_methods_supported: ['urn:ietf:rfc:8935'],
    });
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(jwks.keys[0].d).toBeUndefined();
  });

  it('a verdict about a verified user reaches the receiver as a CAEP session-revoked SET it verifies', async () => {
    const { api, runner } = await setUp(dialect);
    const added = await addReceiver(api);
    const device = await verifiedDevice();
    t.clock.now += 1000;
    const verdictId = await verdictFor(device);

    await runner.tick();
    await runner.tick(); // a second look queues and sends nothing more

    expect(receiver.refused).toEqual([]);
    expect(receiver.received).toHaveLength(1);
    const [set] = receiver.received;
    expect(set!.header).toMatchObject({ alg: 'ES256', typ: 'secevent+jwt' });
    expect(set!.contentType).toBe('application/secevent+jwt');
    expect(set!.claims).toMatchObject({ iss: issuer, aud: AUDIENCE, sub_id: { format: 'email', email: EMAIL } });
    expect(set!.claims.jti).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(Object.keys(set!.claims.events!)).toEqual([CAEP_SESSION_REVOKED]);
    expect(set!.claims.events![CAEP_SESSION_REVOKED]).toMatchObject({ initiating_entity: 'policy' });
    expect(JSON.stringify(set!.claims.events)).toContain(verdictId);
    expect((await findJob(t.store.db, SSF_DELIVERY, `${added.id}:verdict:${verdictId}`))?.status).toBe('done');
    const [view] = (await api('GET', '/api/ssf/receivers')).json().receivers;
    expect(view).toMatchObject({ lastStatus: 'delivered', tokenHint: `…${RECEIVER_TOKEN.slice(-4)}` });
  });

  it('a copied-cookie finding becomes a RISC credential-compromise; a device that only claims the user tells nothing', async () => {
    const { api, runner } = await setUp(dialect);
    await addReceiver(api);
    const verified = await verifiedDevice();
    const claimer = await verifiedDevice(false);
    t.clock.now += 1000;
    for (const device of [verified, claimer]) {
      await insertFinding(t.store.db, {
        id: randomUUID(),
        detector: 'session_used_off_device',
        reason: 'session_used_off_device',
        severity: 'high',
        subject: USER,
        device_id: device.id,
        session_key: null,
        signal_id: `slack-audit:${randomUUID()}`,
        policy_version: 1,
        mode: 'enforce',
        action: 'alert',
        outcome: 'alert',
        verdict_id: null,
        summary: 'Slack session used from address 198.51.100.7',
        evidence: '{}',
        event_at: t.clock.now,
        detected_at: t.clock.now,
      });
    }
    await verdictFor(claimer);

    await runner.tick();

    expect(receiver.received.map((r) => Object.keys(r.claims.events!)[0])).toEqual([RISC_CREDENTIAL_COMPROMISE]);
    expect(receiver.received[0]!.claims.sub_id).toEqual({ format: 'email', email: EMAIL });
    expect(receiver.received[0]!.claims.events![RISC_CREDENTIAL_COMPROMISE]).toMatchObject({ credential_type: 'app' });
  });

  it('retries a 5xx with the same jti, gives up on a 4xx, and never shows or logs the bearer token', async () => {
    const { api, runner } = await setUp(dialect);
    const added = await addReceiver(api);
    const device = await verifiedDevice();
    t.clock.now += 1000;
    const first = await verdictFor(device);
    receiver.answers.push({ status: 503, retryAfter: '2' });

    await runner.tick();
    const retrying = await findJob(t.store.db, SSF_DELIVERY, `${added.id}:verdict:${first}`);
    t.clock.now += 2500;
    await runner.tick();

    expect(retrying).toMatchObject({ status: 'pending', last_error: 'HTTP 503' });
    expect(Number(retrying!.run_at)).toBeGreaterThanOrEqual(t.clock.now - 2500 + 2000);
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[0]!.claims.jti).toBe(receiver.received[1]!.claims.jti);
    expect((await findJob(t.store.db, SSF_DELIVERY, `${added.id}:verdict:${first}`))?.status).toBe('done');

    t.clock.now += 400_000; // past the cooldown: a second verdict, which the receiver refuses
    const second = await verdictFor(device);
    receiver.answers.push({ status: 400, err: 'invalid_audience' });
    await runner.tick();
    t.clock.now += 10_000;
    await runner.tick();

    const refused = await findJob(t.store.db, SSF_DELIVERY, `${added.id}:verdict:${second}`);
    expect(refused).toMatchObject({ status: 'failed' });
    expect(refused!.last_error).toContain('invalid_audience');
    expect(receiver.received).toHaveLength(3); // one try only
    const listed = (await api('GET', '/api/ssf/receivers')).body;
    expect(listed).toContain('invalid_audience');
    expect(listed).not.toContain(RECEIVER_TOKEN);
    expect(logs.join('\n')).not.toContain(RECEIVER_TOKEN);
    const row = await t.store.db.selectFrom('ssf_receivers').selectAll().executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(RECEIVER_TOKEN);
    if (dialect === 'sqlite') {
      for (const file of readdirSync(t.dataDir)) {
        expect(readFileSync(join(t.dataDir, file)).includes(RECEIVER_TOKEN), file).toBe(false);
      }
    }
  });

  it('refuses a receiver without a usable token or URL, and stores nothing', async () => {
    const { api } = await setUp(dialect);

    const answers = await Promise.all([
      api('POST', '/api/ssf/receivers', { url: receiver.url, token: 'short' }),
      api('POST', '/api/ssf/receivers', { url: 'ftp://example.com/x', token: RECEIVER_TOKEN }),
      api('POST', '/api/ssf/receivers', { url: receiver.url, token: `${RECEIVER_TOKEN} spaced` }),
    ]);

    expect(answers.map((a) => a.statusCode)).toEqual([400, 400, 400]);
    expect((await api('GET', '/api/ssf/receivers')).json().receivers).toEqual([]);
  });

  it('the dashboard adds and removes a receiver and never shows its token back', async () => {
    await setUp(dialect);
    const session = await signIn(t.app, t.store.db);

    const added = await postForm(t.app, '/settings/ssf', session, {
      _csrf: session.csrf,
      url: receiver.url,
      token: RECEIVER_TOKEN,
      audience: AUDIENCE,
    });
    const forged = await postForm(t.app, '/settings/ssf', session, { url: receiver.url, token: RECEIVER_TOKEN });
    const [row] = await t.store.db.selectFrom('ssf_receivers').select('id').execute();
    const removed = await postForm(t.app, `/settings/ssf/${row!.id}/delete`, session, { _csrf: session.csrf });

    expect(added.statusCode).toBe(200);
    expect(added.body).toContain(`…${RECEIVER_TOKEN.slice(-4)}`);
    expect(added.body).not.toContain(RECEIVER_TOKEN);
    expect(forged.statusCode).toBe(403); // no CSRF token: nothing added
    expect(removed.body).toContain('Receiver removed.');
    expect(await t.store.db.selectFrom('ssf_receivers').select('id').execute()).toEqual([]);
  });

  it('a receiver that wants no bearer token gets SETs with no Authorization header, the subject also inside the event', async () => {
    const { api, runner } = await setUp(dialect);
    await receiver.close();
    receiver = await startFakeSsfReceiver({ issuer, audience: AUDIENCE, token: null });
    const res = await api('POST', '/api/ssf/receivers', { url: receiver.url, audience: AUDIENCE });
    const device = await verifiedDevice();
    t.clock.now += 1000;
    await verdictFor(device);

    await runner.tick();

    expect(res.json()).toMatchObject({ tokenHint: 'none' });
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]!.authorization).toBeUndefined();
    expect(receiver.received[0]!.claims.events![CAEP_SESSION_REVOKED]).toMatchObject({
      subject: { user: { format: 'email', email: EMAIL } },
    });
  });
});
