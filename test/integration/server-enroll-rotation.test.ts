/**
 * Enrollment token rotation over the real store, each dialect (issue #10): the new token
 * works at once; the old one inside its grace period, then is refused with
 * `enrollment_token_expired` and stores nothing; the admin API rotates too, audited.
 * Time is the app's injectable clock.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApiToken } from '../../src/server/auth/admin-auth';
import { rotateEnrollmentToken } from '../../src/server/auth/enrollment-tokens';
import { getValue } from '../../src/server/db/kv.repository';
import { tryEnroll } from './server-support/enroll-support';
import { createTestApp, type TestApp } from './server-support/test-app';
import { DIALECTS, snapshot, stopPostgres } from './server-support/test-store';

afterAll(stopPostgres);

const HOUR = 3600_000;

describe.each(DIALECTS)('enrollment token rotation (%s)', (dialect) => {
  let t: TestApp;
  let oldToken: string;
  beforeEach(async () => {
    t = await createTestApp({ dialect });
    oldToken = t.store.secrets.enrollmentToken;
  });
  afterEach(async () => t.close());

  it('accepts the old token inside the grace period and refuses it after, storing nothing', async () => {
    const { token } = await rotateEnrollmentToken(t.store.db, t.clock.now, 24);

    expect(token).not.toBe(oldToken);
    expect((await tryEnroll(t, { token })).res.statusCode).toBe(200);
    t.clock.now += 23 * HOUR;
    expect((await tryEnroll(t, { token: oldToken })).res.statusCode).toBe(200);
    t.clock.now += 2 * HOUR;
    const before = await snapshot(t.store);

    const { res } = await tryEnroll(t, { token: oldToken });

    expect(res.statusCode).toBe(401);
    expect(res.json().error).toBe('enrollment_token_expired');
    expect(res.json().message).toContain('policy export');
    expect(await snapshot(t.store)).toEqual(before);
    expect((await tryEnroll(t, { token })).res.statusCode).toBe(200);
    expect((await tryEnroll(t, { token: 'y'.repeat(43) })).res.json().error).toBe('bad_enrollment_token');
  });

  it('refuses the old token at once with a grace of 0 hours', async () => {
    await rotateEnrollmentToken(t.store.db, t.clock.now, 0);

    const { res } = await tryEnroll(t, { token: oldToken });

    expect(res.json().error).toBe('enrollment_token_expired');
  });

  it('keeps each replaced token to its own grace across two rotations, and stores no old token itself', async () => {
    const second = (await rotateEnrollmentToken(t.store.db, t.clock.now, 2)).token;
    t.clock.now += HOUR;
    const third = (await rotateEnrollmentToken(t.store.db, t.clock.now, 24)).token;
    t.clock.now += 90 * 60_000;

    expect((await tryEnroll(t, { token: third })).res.statusCode).toBe(200);
    expect((await tryEnroll(t, { token: second })).res.statusCode).toBe(200);
    expect((await tryEnroll(t, { token: oldToken })).res.json().error).toBe('enrollment_token_expired');
    const kv = await t.store.db.selectFrom('kv').select('value').execute();
    const stored = kv.map((r) => r.value).join('\n');
    expect(stored).not.toContain(oldToken);
    expect(stored).not.toContain(second);
    expect(await getValue(t.store.db, 'enrollment_token')).toBe(third);
  });

  it('rotates through the admin API, answering the new token and auditing who', async () => {
    const bearer = { authorization: `Bearer ${await createApiToken(t.store.db, 'ops', t.clock.now)}` };

    const res = await t.app.inject({
      method: 'POST',
      url: '/api/enrollment/rotate',
      headers: bearer,
      payload: { graceHours: 1 },
    });

    expect(res.statusCode).toBe(200);
    const { enrollmentToken, previousExpiresAt } = res.json();
    expect(previousExpiresAt).toBe(t.clock.now + HOUR);
    expect((await tryEnroll(t, { token: enrollmentToken })).res.statusCode).toBe(200);
    const audit = await t.store.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'enrollment.rotate')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor).toContain('ops');
    expect(JSON.stringify(audit)).not.toContain(enrollmentToken);
    const status = await t.app.inject({ method: 'GET', url: '/api/enrollment', headers: bearer });
    expect(status.json().inGrace).toEqual([{ retiredAt: t.clock.now, expiresAt: t.clock.now + HOUR }]);
  });

  it('refuses a grace period out of range with 400 and keeps the token', async () => {
    const bearer = { authorization: `Bearer ${await createApiToken(t.store.db, 'ops', t.clock.now)}` };

    const res = await t.app.inject({
      method: 'POST',
      url: '/api/enrollment/rotate',
      headers: bearer,
      payload: { graceHours: -1 },
    });

    expect(res.statusCode).toBe(400);
    expect(await getValue(t.store.db, 'enrollment_token')).toBe(oldToken);
  });
});
