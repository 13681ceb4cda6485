/**
 * Saying plainly whether Slack vouches for identities (issue #10): the devices page marks
 * each user verified or claimed and warns when Sign in with Slack is not configured; the
 * admin API says the same per device; `session-guard slack status` says what the server
 * was started with and counts verified and claimed-only devices.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/server/cli';
import type { CliIo } from '../../src/server/cli/io';
import { issueApiToken } from '../../src/server/auth/admin-auth';
import { openStore } from '../../src/server/db/open-store';
import { resolveIdentityConfig } from '../../src/server/identity/config';
import { recordIdentityStatus } from '../../src/server/identity/status';
import { startFakeSlackOidc, type FakeSlackOidc } from '../fakes/fake-slack-oidc';
import type { FakeDevice } from '../fixtures/server/fake-device';
import { signIn } from './server-support/admin-session';
import { DIALECTS } from './server-support/test-store';
import { createTestApp, type TestApp } from './server-support/test-app';
import { fakeIdentityVerifier, ORG_TEAM, verifyIdentity } from './server-support/verify-identity';

const ALICE = { userId: 'U0ALICE001', teamId: ORG_TEAM, email: 'alice@example.com' };

let oidc: FakeSlackOidc;
let t: TestApp | undefined;
beforeAll(async () => {
  oidc = await startFakeSlackOidc();
});
afterAll(() => oidc.close());
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function claim(app: TestApp, device: FakeDevice, userId: string) {
  const body = {
    deviceId: device.id,
    batchId: randomUUID(),
    sentAt: app.clock.now,
    signals: [{ id: randomUUID(), type: 'slack_identity', at: app.clock.now, teamId: ORG_TEAM, userId }],
  };
  expect((await app.post('/v1/signals', device, body)).statusCode).toBe(200);
}

async function devicesPage(app: TestApp) {
  const session = await signIn(app.app, app.store.db);
  return (await app.app.inject({ method: 'GET', url: '/devices', headers: { cookie: session.cookie } })).body;
}

for (const dialect of DIALECTS) {
  describe(`identity status (${dialect})`, () => {
    it('marks every user claimed and says why when Sign in with Slack is not configured', async () => {
      t = await createTestApp({ dialect });
      const device = await t.enroll();
      await claim(t, device, 'U0VICTIM01');

      const body = await devicesPage(t);

      expect(body).toContain('id="identity-not-configured"');
      expect(body).toContain('nothing a device claims reaches beyond that device');
      expect(body).toMatch(/U0VICTIM01 <span class="badge warn"[^>]*>claimed<\/span>/);
    });

    it('marks a user Slack vouched for as verified, and a different claimed user as claimed', async () => {
      t = await createTestApp({ dialect, context: { identity: fakeIdentityVerifier(oidc) } });
      oidc.now = () => t!.clock.now;
      const verified = await t.enroll();
      const switched = await t.enroll();
      await claim(t, verified, ALICE.userId);
      await verifyIdentity(t, oidc, verified, ALICE);
      await verifyIdentity(t, oidc, switched, ALICE);
      await claim(t, switched, 'U0SOMEONE2');
      const token = (await issueApiToken(t.store.db, 'test', t.clock.now)).token;

      const body = await devicesPage(t);
      const api = await t.app.inject({
        method: 'GET',
        url: '/api/devices',
        headers: { authorization: `Bearer ${token}` },
      });

      expect(body).not.toContain('id="identity-not-configured"');
      expect(body).toMatch(/U0ALICE001 <span class="badge ok"[^>]*>verified<\/span>/);
      expect(body).toMatch(/U0SOMEONE2 <span class="badge warn"[^>]*>claimed<\/span>/);
      const byId = Object.fromEntries(api.json().devices.map((d: { id: string }) => [d.id, d]));
      expect(byId[verified.id]).toMatchObject({
        userId: ALICE.userId,
        identity: 'verified',
        verifiedUserId: ALICE.userId,
      });
      expect(byId[switched.id]).toMatchObject({
        userId: 'U0SOMEONE2',
        identity: 'claimed',
        verifiedUserId: ALICE.userId,
      });
    });
  });
}

describe('session-guard slack status', () => {
  let dir: string;
  const out: string[] = [];
  const io: CliIo = {
    stdout: (x) => void out.push(x),
    stderr: (x) => void out.push(x),
    env: {},
    waitForShutdown: () => new Promise(() => undefined),
  };
  afterEach(async () => {
    out.splice(0);
    await rm(dir, { recursive: true, force: true });
  });

  it('says identities are only claimed until serve runs with a client id, then what it accepts', async () => {
    dir = await mkdtemp(join(tmpdir(), 'sg-identity-cli-'));
    await main(['slack', 'status', '--data-dir', dir], io);
    const before = out.splice(0).join('\n');
    const store = await openStore({ dataDir: dir });
    const config = resolveIdentityConfig(
      { 'slack-client-id': '111.222', 'slack-team': ['T0SGUARD01'] },
      { SESSION_GUARD_SLACK_CLIENT_SECRET: 'secret-never-printed' },
      'https://slack.com/api',
    );
    await recordIdentityStatus(store.db, config, Date.now());
    await store.close();

    await main(['slack', 'status', '--data-dir', dir], io);
    const after = out.join('\n');

    expect(before).toContain('Slack identity: NOT CONFIGURED');
    expect(before).toContain('nothing a device claims reaches beyond that device');
    expect(after).toContain('Slack identity: verified by Sign in with Slack (client id 111.222, teams T0SGUARD01)');
    expect(after).toContain('0 verified by Slack, 0 with a user only claimed');
    expect(after).not.toContain('secret-never-printed');
  });
});
