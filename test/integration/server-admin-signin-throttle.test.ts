/**
 * Dashboard sign-in under a distributed guessing run (issue #10): 200 wrong passwords from
 * 200 address blocks at once, and the admin, from a block that never failed, still gets
 * in; a full hash queue counts against the block that filled it; blocks that failed are
 * slowed to a trickle while blocks that did not are only queued. The scrypt cost is the
 * production one except where a test stores a cheaper hash (the stored form carries its
 * own parameters, as a hash from an older release does), to keep 200 hashes quick.
 */
import { randomBytes, scryptSync } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD_KEY, ensureAdminPassword } from '../../src/server/auth/admin-password';
import { setValue } from '../../src/server/db/kv.repository';
import { ADMIN_PASSWORD, FORM } from './server-support/admin-session';
import { createTestApp, type TestApp } from './server-support/test-app';
import { DIALECTS, type TestDialect } from './server-support/test-store';

function cheapHash(password: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(password, salt, 32, { N: 2 ** 12, r: 8, p: 1 });
  return ['scrypt', 2 ** 12, 8, 1, salt.toString('base64url'), key.toString('base64url')].join('$');
}

describe.each(DIALECTS)('dashboard sign-in under a distributed guessing run on %s', (dialect: TestDialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ dialect });
  });
  afterEach(async () => t.close());

  const signInFrom = (remoteAddress: string, password: string) =>
    t.app.inject({
      method: 'POST',
      url: '/login',
      payload: new URLSearchParams({ password }).toString(),
      headers: FORM,
      remoteAddress,
    });
  const signedIn = async (res: LightMyRequestResponse) => {
    if (res.statusCode !== 303) return false;
    const cookie = String(res.headers['set-cookie']).split(';')[0];
    return (await t.app.inject({ url: '/api/verdicts', headers: { cookie } })).statusCode === 200;
  };

  it('lets the right password in from a clean address while 200 wrong ones arrive from 200 addresses', async () => {
    await setValue(t.store.db, ADMIN_PASSWORD_KEY, cheapHash(ADMIN_PASSWORD), Date.now());
    // 200 addresses in 200 different /24 blocks: the per-block limit alone cannot stop them.
    const attackers = Array.from({ length: 200 }, (_, i) => `198.${18 + (i >> 8)}.${i & 255}.${1 + (i % 250)}`);

    const started = Date.now();
    const wrong = attackers.map((ip, i) => signInFrom(ip, `guess-${i}`));
    const admin = signInFrom('192.0.2.10', ADMIN_PASSWORD).then((res) => ({ res, ms: Date.now() - started }));
    const [answers, mine] = await Promise.all([Promise.all(wrong), admin]);
    console.log(`right password got in after ${mine.ms} ms among 200 concurrent wrong ones`);

    expect(await signedIn(mine.res)).toBe(true);
    expect(answers.filter((r) => r.statusCode === 303)).toEqual([]);
    expect(new Set(answers.map((r) => r.statusCode))).toEqual(new Set([401]));

    // They are all suspect now and failures are high: a second round trickles, a newcomer is only queued.
    const again = await Promise.all(attackers.slice(0, 10).map((ip) => signInFrom(ip, 'guess-again')));
    const newcomer = await signInFrom('203.0.113.77', 'an honest typo');

    expect(again.filter((r) => r.statusCode === 429).length).toBeGreaterThanOrEqual(7);
    expect(again.find((r) => r.statusCode === 429)!.body).toContain('Too many attempts');
    expect(newcomer.statusCode).toBe(401);
    const metrics = (await t.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${await token()}` } }))
      .body;
    expect(metrics).toMatch(/sg_admin_sign_ins_total\{result="slowdown"\} [1-9]/);
  }, 180_000);

  it('counts a full hash queue as a failure for the block that filled it', async () => {
    await ensureAdminPassword(t.store.db, { SESSION_GUARD_ADMIN_PASSWORD: ADMIN_PASSWORD }, Date.now());
    // Production cost: 30 at once from one /24 overflow the queue for suspect attempts.
    const flood = await Promise.all(Array.from({ length: 30 }, (_, i) => signInFrom(`203.0.113.${i + 1}`, 'x')));

    const busy = flood.filter((r) => r.statusCode === 429 && r.body.includes('busy'));
    const sameBlock = await signInFrom('203.0.113.250', ADMIN_PASSWORD);
    const otherBlock = await signInFrom('203.0.114.250', ADMIN_PASSWORD);

    expect(busy.length).toBeGreaterThanOrEqual(10);
    expect(sameBlock.statusCode).toBe(429);
    expect(sameBlock.body).toContain('Too many attempts');
    expect(await signedIn(otherBlock)).toBe(true);
  }, 180_000);

  async function token() {
    const { createApiToken } = await import('../../src/server/auth/admin-auth');
    return createApiToken(t.store.db, 'metrics', Date.now(), 'read');
  }
});
