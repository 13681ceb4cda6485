/**
 * Approval mode over the real store, each dialect (issue #10): a new device enrolls as
 * pending and gets no secret; while pending every device route (signals, verdict poll,
 * acks, stream, key rotation) refuses it with 403 `device_pending` and stores nothing;
 * an admin approves (API or dashboard) and it is accepted; a rejected one is refused.
 * The audit log names who decided.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, assert, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createApiToken } from '../../src/server/auth/admin-auth';
import { findDevice } from '../../src/server/db/devices';
import { EnrollResponse, rotateKeyProofText } from '../../src/shared/protocol/device';
import { streamAuthText } from '../../src/shared/protocol/verdict';
import { fakeDevice, type FakeDevice } from '../fixtures/server/fake-device';
import { fakeBatch } from '../fixtures/server/fake-signals';
import { postForm, signIn } from './server-support/admin-session';
import { createEnrollApp, tryEnroll } from './server-support/enroll-support';
import type { TestApp } from './server-support/test-app';
import { DIALECTS, snapshot, stopPostgres } from './server-support/test-store';

afterAll(stopPostgres);

/** The wire contract the extension acts on: literal here, so a change to it fails a test. */
const PENDING = { status: 403, code: 'device_pending' };
const REJECTED = { status: 403, code: 'device_rejected' };

describe.each(DIALECTS)('enrollment approval mode (%s)', (dialect) => {
  let t: TestApp;
  let bearer: { authorization: string };
  beforeEach(async () => {
    t = await createEnrollApp(dialect, { approval: true });
    bearer = { authorization: `Bearer ${await createApiToken(t.store.db, 'ops', t.clock.now)}` };
  });
  afterEach(async () => t.close());

  const deviceCalls = (d: FakeDevice) => [
    () =>
      t.post(
        '/v1/signals',
        d,
        fakeBatch(d.id, [{ id: randomUUID(), at: t.clock.now, type: 'heartbeat' }], { sentAt: t.clock.now }),
      ),
    () => t.post('/v1/verdicts/poll', d, { deviceId: d.id, sentAt: t.clock.now, nonce: randomUUID() }),
    () =>
      t.post('/v1/acks', d, {
        deviceId: d.id,
        verdictId: randomUUID(),
        nonce: randomUUID(),
        sentAt: t.clock.now,
        outcome: 'executed',
        via: 'poll',
        cookiesCleared: 1,
        timings: { receivedAt: 1, verifiedAt: 2, clearedAt: 3, ackSentAt: 4 },
      }),
  ];
  const decide = (d: FakeDevice, action: 'approve' | 'reject') =>
    t.app.inject({ method: 'POST', url: `/api/devices/${d.id}/${action}`, headers: bearer });

  it('enrolls a new device as pending, without the secret, and refuses its device calls storing nothing', async () => {
    const { res, device } = await tryEnroll(t);

    expect(res.statusCode).toBe(PENDING.status);
    expect(res.json().error).toBe(PENDING.code);
    expect(res.body).not.toContain(t.store.secrets.sessionKeySecret);
    expect((await findDevice(t.store.db, device.id))?.approval).toBe('pending');
    const before = await snapshot(t.store);
    for (const call of deviceCalls(device)) {
      const refused = await call();
      expect(refused.statusCode).toBe(PENDING.status);
      expect(refused.json().error).toBe(PENDING.code);
    }
    expect((await tryEnroll(t, { device })).res.json().error).toBe(PENDING.code);
    const next = await fakeDevice();
    const nonce = randomUUID();
    const rotation = await t.post('/v1/devices/rotate-key', device, {
      deviceId: device.id,
      newPublicKey: next.jwk,
      sentAt: t.clock.now,
      nonce,
      proof: await next.sign(rotateKeyProofText(device.id, nonce)),
    });
    expect(rotation.json().error).toBe(PENDING.code);
    expect(await snapshot(t.store)).toEqual(before);
  });

  it('refuses a pending device on the verdict stream', async () => {
    const { device } = await tryEnroll(t);
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const address = t.app.server.address();
    const socket = new WebSocket(
      `ws://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/v1/stream`,
    );
    const messages: { type: string; message?: string; challenge?: string }[] = [];

    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    socket.on('message', async (data) => {
      const message = JSON.parse(String(data));
      messages.push(message);
      if (message.type === 'challenge') {
        const signature = await device.sign(streamAuthText(message.challenge));
        socket.send(JSON.stringify({ type: 'auth', deviceId: device.id, signature }));
      }
    });

    expect(await closed).toBe(4401);
    expect(messages.at(-1)).toEqual({ type: 'error', message: PENDING.code });
  });

  it('accepts the device once an admin approves it, and the audit log says who', async () => {
    const { device } = await tryEnroll(t);

    const approved = await decide(device, 'approve');

    expect(approved.statusCode).toBe(200);
    const enrolled = await tryEnroll(t, { device });
    expect(enrolled.res.statusCode).toBe(200);
    expect(EnrollResponse.parse(enrolled.res.json()).sessionKeySecret).toBe(t.store.secrets.sessionKeySecret);
    const [signals, poll, ack] = deviceCalls(device);
    assert(signals && poll && ack);
    expect((await signals()).statusCode).toBe(200);
    expect((await poll()).statusCode).toBe(200);
    // Past the approval check: the ack is refused only because no such verdict was issued.
    expect((await ack()).json().error).toBe('unknown_verdict');
    const row = await findDevice(t.store.db, device.id);
    expect(row?.approval).toBe('approved');
    expect(row?.approval_by).toContain('ops');
    const audit = await t.store.db.selectFrom('audit_log').selectAll().where('action', '=', 'device.approve').execute();
    expect(audit.map((a) => [a.actor.includes('ops'), a.target])).toEqual([[true, device.id]]);
  });

  it('refuses a rejected device with device_rejected everywhere, storing nothing', async () => {
    const { device } = await tryEnroll(t);

    const rejected = await decide(device, 'reject');

    expect(rejected.statusCode).toBe(200);
    const before = await snapshot(t.store);
    expect((await tryEnroll(t, { device })).res.json().error).toBe(REJECTED.code);
    for (const call of deviceCalls(device)) {
      const refused = await call();
      expect(refused.statusCode).toBe(REJECTED.status);
      expect(refused.json().error).toBe(REJECTED.code);
    }
    expect(await snapshot(t.store)).toEqual(before);
    const audit = await t.store.db.selectFrom('audit_log').selectAll().where('action', '=', 'device.reject').execute();
    expect(audit).toHaveLength(1);
  });

  it('will not reject an approved device (revoke is for that) and answers 404 for an unknown one', async () => {
    const { device } = await tryEnroll(t);
    await decide(device, 'approve');

    const res = await decide(device, 'reject');

    expect(res.statusCode).toBe(409);
    expect(res.json().error).toBe('not_pending');
    expect((await decide(await fakeDevice(), 'approve')).statusCode).toBe(404);
  });

  it('shows a pending device on the dashboard with Approve and Reject, and the form approves it', async () => {
    const { device } = await tryEnroll(t);
    const session = await signIn(t.app, t.store.db);

    const page = await t.app.inject({ method: 'GET', url: '/devices', headers: { cookie: session.cookie } });

    expect(page.body).toContain('pending approval');
    expect(page.body).toContain(`action="/devices/${device.id}/approve"`);
    expect(page.body).toContain(`action="/devices/${device.id}/reject"`);
    expect(page.body).toContain('1 waiting for approval');
    const res = await postForm(t.app, `/devices/${device.id}/approve`, session, { _csrf: session.csrf });
    expect(res.statusCode).toBe(303);
    expect((await findDevice(t.store.db, device.id))?.approval).toBe('approved');
    const forged = await postForm(t.app, `/devices/${device.id}/reject`, session, { _csrf: 'nope' });
    expect(forged.statusCode).toBe(403);
  });
});
