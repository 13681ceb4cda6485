import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app';
import { createApiToken } from '../../src/server/auth/admin-auth';
import { ADMIN_PASSWORD_KEY } from '../../src/server/auth/admin-password';
import { hashPassword, SCRYPT_PARAMS } from '../../src/server/auth/password';
import { getValue, setValue } from '../../src/server/db/kv.repository';
import { main } from '../../src/server/cli';
import { ADMIN_PASSWORD, FORM, postForm, signIn, type AdminSession } from './server-support/admin-session';
import { createTestApp, type TestApp } from './server-support/test-app';
import { createTestStore, type TestStore } from './server-support/test-store';

const captured = () => {
  let out = '';
  return {
    io: {
      stdout: (t: string) => void (out += `${t}\n`),
      stderr: (t: string) => void (out += `${t}\n`),
      env: {},
      waitForShutdown: () => new Promise<string>(() => undefined),
    },
    text: () => out,
  };
};

describe('dashboard sign-in, sessions and CSRF', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => t.close());

  it('stores the admin password with scrypt at N=2^17, r=8, p=1 and upgrades a weaker stored hash on sign-in', async () => {
    const legacy = await hashPasswordWithN(ADMIN_PASSWORD, 2 ** 14);
    await setValue(t.store.db, ADMIN_PASSWORD_KEY, legacy, Date.now());

    const res = await postForm(t.app, '/login', null, { password: ADMIN_PASSWORD });

    expect(res.statusCode).toBe(303);
    const stored = (await getValue(t.store.db, ADMIN_PASSWORD_KEY))!;
    expect(stored.split('$').slice(0, 4)).toEqual(['scrypt', String(SCRYPT_PARAMS.N), '8', '1']);
    expect(SCRYPT_PARAMS.N * SCRYPT_PARAMS.r * 128).toBe(128 * 1024 * 1024);
  });

  it('sets an HttpOnly SameSite=Strict session cookie without Secure on loopback http', async () => {
    await signIn(t.app, t.store.db);
    const res = await postForm(t.app, '/login', null, { password: ADMIN_PASSWORD });

    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/^sg_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/);
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });

  it('ignores X-Forwarded-Proto from a proxy it was not told to trust', async () => {
    await signIn(t.app, t.store.db);
    const res = await postForm(t.app, '/login', null, { password: ADMIN_PASSWORD }, { 'x-forwarded-proto': 'https' });

    expect(String(res.headers['set-cookie'])).not.toMatch(/Secure/);
  });

  it('refuses a sign-in form posted from another site (login CSRF)', async () => {
    await signIn(t.app, t.store.db);
    const res = await postForm(t.app, '/login', null, { password: ADMIN_PASSWORD }, { origin: 'https://evil.example' });

    expect(res.statusCode).toBe(403);
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('locks an address out after 10 wrong passwords, even for the right one, and not other addresses', async () => {
    await signIn(t.app, t.store.db);
    const attacker = { remoteAddress: '203.0.113.9' };
    for (let i = 0; i < 10; i++) {
      const wrong = await t.app.inject({
        method: 'POST',
        url: '/login',
        payload: 'password=nope',
        headers: FORM,
        ...attacker,
      });
      expect(wrong.statusCode).toBe(401);
    }

    const blocked = await t.app.inject({
      method: 'POST',
      url: '/login',
      payload: `password=${encodeURIComponent(ADMIN_PASSWORD)}`,
      headers: FORM,
      ...attacker,
    });
    const other = await postForm(t.app, '/login', null, { password: ADMIN_PASSWORD });

    expect(blocked.statusCode).toBe(429);
    expect(blocked.headers['retry-after']).toBe('900');
    expect(blocked.headers['set-cookie']).toBeUndefined();
    expect(other.statusCode).toBe(303);
  }, 90_000);

  describe('CSRF', () => {
    let session: AdminSession;
    beforeEach(async () => {
      session = await signIn(t.app, t.store.db);
    });
    const putPolicy = (headers: Record<string, string>) =>
      t.app.inject({
        method: 'PUT',
        url: '/api/policy',
        payload: { mode: 'monitor' },
        headers: { cookie: session.cookie, ...headers },
      });

    it('refuses a state-changing API request made with the session cookie but no token', async () => {
      const res = await putPolicy({});

      expect(res.statusCode).toBe(403);
      expect(res.json().error).toBe('csrf_failed');
      expect(
        (await t.app.inject({ method: 'GET', url: '/api/policy', headers: { cookie: session.cookie } })).json().policy
          .mode,
      ).toBe('enforce');
    });

    it('refuses the right token from another origin, and a wrong token from ours', async () => {
      expect((await putPolicy({ 'x-csrf-token': session.csrf, origin: 'https://evil.example' })).statusCode).toBe(403);
      expect((await putPolicy({ 'x-csrf-token': session.csrf, 'sec-fetch-site': 'cross-site' })).statusCode).toBe(403);
      expect((await putPolicy({ 'x-csrf-token': `${session.csrf}x`, origin: 'http://localhost:80' })).statusCode).toBe(
        403,
      );
    });

    it('accepts the page token from the same origin', async () => {
      const res = await putPolicy({
        'x-csrf-token': session.csrf,
        origin: 'http://localhost:80',
        'sec-fetch-site': 'same-origin',
      });

      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ changed: true, createdBy: expect.stringMatching(/^dashboard:[0-9a-f]{8}$/) });
    });

    it('takes `Origin: null` (a no-referrer page) only when Sec-Fetch-Site vouches for it', async () => {
      expect((await putPolicy({ 'x-csrf-token': session.csrf, origin: 'null' })).statusCode).toBe(403);
      expect(
        (await putPolicy({ 'x-csrf-token': session.csrf, origin: 'null', 'sec-fetch-site': 'cross-site' })).statusCode,
      ).toBe(403);
      expect(
        (await putPolicy({ 'x-csrf-token': session.csrf, origin: 'null', 'sec-fetch-site': 'same-origin' })).statusCode,
      ).toBe(200);
    });

    it('needs no CSRF token for a bearer token, which no browser sends on its own', async () => {
      const token = await createApiToken(t.store.db, 'siem', Date.now());

      const res = await t.app.inject({
        method: 'PUT',
        url: '/api/policy',
        payload: { mode: 'monitor' },
        headers: { authorization: `Bearer ${token}` },
      });

      expect(res.statusCode).toBe(200);
    });

    it('refuses a dashboard form without its token: revoking a device, signing out', async () => {
      const device = await t.enroll();

      const revoke = await postForm(t.app, `/devices/${device.id}/revoke`, session, {});
      const logout = await postForm(t.app, '/logout', session, { _csrf: 'forged' });

      expect(revoke.statusCode).toBe(403);
      expect(logout.statusCode).toBe(403);
      const devices = (
        await t.app.inject({ method: 'GET', url: '/api/devices', headers: { cookie: session.cookie } })
      ).json().devices;
      expect(devices[0].revokedAt).toBeNull();
    });

    it('signs out with the token: the session no longer opens anything', async () => {
      const res = await postForm(t.app, '/logout', session, { _csrf: session.csrf });

      expect(res.statusCode).toBe(303);
      expect(String(res.headers['set-cookie'])).toMatch(/^sg_session=; .*Max-Age=0/);
      expect(
        (await t.app.inject({ method: 'GET', url: '/api/verdicts', headers: { cookie: session.cookie } })).statusCode,
      ).toBe(401);
    });
  });

  it('refuses every admin route in the OpenAPI document without credentials, or with a revoked token', async () => {
    const token = await createApiToken(t.store.db, 'old', Date.now());
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const apiPaths = Object.entries(doc.paths as Record<string, Record<string, unknown>>).filter(([p]) =>
      p.startsWith('/api/'),
    );
    const list = captured();
    expect(await main(['token', 'list', '--data-dir', t.dataDir, '--json'], list.io)).toBe(0);
    const [{ id }] = JSON.parse(list.text()).tokens;
    expect(await main(['token', 'revoke', id, '--data-dir', t.dataDir], captured().io)).toBe(0);

    let checked = 0;
    for (const [path, operations] of apiPaths) {
      for (const method of Object.keys(operations)) {
        const url = path.replace(/\{[^}]+\}/g, 'x');
        for (const headers of [{}, { authorization: `Bearer ${token}` }, { cookie: 'sg_session=forged' }]) {
          const res = await t.app.inject({
            method: method.toUpperCase() as 'GET',
            url,
            headers,
            payload: method === 'get' ? undefined : {},
          });
          expect(res.statusCode, `${method} ${url}`).toBe(401);
        }
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(20);
  });

  it('lists tokens without their secrets and revokes them, from the API and the CLI', async () => {
    const admin = await createApiToken(t.store.db, 'admin', Date.now());
    const bearer = { authorization: `Bearer ${admin}` };
    const created = (
      await t.app.inject({ method: 'POST', url: '/api/tokens', payload: { label: 'splunk' }, headers: bearer })
    ).json();

    const list = (await t.app.inject({ method: 'GET', url: '/api/tokens', headers: bearer })).json().tokens;
    const cli = captured();
    await main(['token', 'list', '--data-dir', t.dataDir], cli.io);
    const revoked = await t.app.inject({ method: 'DELETE', url: `/api/tokens/${created.id}`, headers: bearer });

    expect(created.token).toMatch(/^sgt_/);
    expect(list.map((x: { label: string }) => x.label).sort()).toEqual(['admin', 'splunk']);
    expect(JSON.stringify(list)).not.toContain(created.token);
    expect(cli.text()).toContain('splunk');
    expect(cli.text()).not.toContain(created.token);
    expect(revoked.json().token.revokedAt).toBe(t.clock.now);
    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: '/api/verdicts',
          headers: { authorization: `Bearer ${created.token}` },
        })
      ).statusCode,
    ).toBe(401);
    const audit = (await t.app.inject({ method: 'GET', url: '/api/audit', headers: bearer })).json().entries;
    expect(audit.map((e: { action: string; actor: string }) => `${e.action} ${e.actor}`)).toEqual([
      'token.revoke token:admin',
      'token.create token:admin',
    ]);
  });
});

describe('behind a trusted https proxy', () => {
  let store: TestStore;
  beforeEach(async () => {
    store = await createTestStore();
  });
  afterEach(async () => store.cleanup());

  it('sets a Secure __Host- cookie, sends HSTS, and ignores an unprefixed cookie', async () => {
    const app = await buildApp({ db: store.store.db, dialect: 'sqlite', secrets: store.store.secrets, trustProxy: 1 });
    const https = {
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'guard.example.com',
      origin: 'https://guard.example.com',
    };
    try {
      const session = await signIn(app, store.store.db, https);
      const res = await postForm(app, '/login', null, { password: ADMIN_PASSWORD }, https);
      const value = session.cookie.split('=')[1];

      expect(String(res.headers['set-cookie'])).toMatch(
        /^__Host-sg_session=[^;]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200; Secure$/,
      );
      expect(res.headers['strict-transport-security']).toBe('max-age=31536000');
      expect(
        (await app.inject({ method: 'GET', url: '/api/verdicts', headers: { ...https, cookie: session.cookie } }))
          .statusCode,
      ).toBe(200);
      expect(
        (
          await app.inject({
            method: 'GET',
            url: '/api/verdicts',
            headers: { ...https, cookie: `sg_session=${value}` },
          })
        ).statusCode,
      ).toBe(401);
    } finally {
      await app.close();
    }
  });
});

async function hashPasswordWithN(password: string, n: number): Promise<string> {
  const modern = await hashPassword(password);
  // Re-derive with the weaker N the previous release used, in the same stored format.
  const { scryptSync, randomBytes } = await import('node:crypto');
  const salt = randomBytes(16);
  const key = scryptSync(password, salt, 32, { N: n, r: 8, p: 1 });
  expect(modern.startsWith('scrypt$')).toBe(true);
  return ['scrypt', n, 8, 1, salt.toString('base64url'), key.toString('base64url')].join('$');
}
