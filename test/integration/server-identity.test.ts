/**
 * Slack-attested identity (issue #10) against the fake Sign in with Slack provider and a
 * real store of each dialect: a device gets a verified Slack user only through a fresh
 * challenge, Slack's code and an id_token that passes every check; each refusal is a clear
 * error that leaves the device unverified. The attacker tests replay one device's answer
 * onto another, reuse a nonce, and bring tokens Slack never issued for this app or team.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { rotateKeyProofText } from '../../src/shared/protocol/device';
import type { LightMyRequestResponse } from 'fastify';
import { startFakeSlackOidc, type FakeSlackOidc, type OidcUser } from '../fakes/fake-slack-oidc';
import { fakeDevice, type FakeDevice } from '../fixtures/server/fake-device';
import { createTestApp, type TestApp } from './server-support/test-app';
import { DIALECTS, stopPostgres } from './server-support/test-store';
import {
  authorizationCode,
  fakeIdentityVerifier,
  ORG_TEAM,
  requestChallenge,
  signedInBrowser,
  submitAnswer,
  verifyIdentity,
} from './server-support/verify-identity';

const ALICE: OidcUser = { userId: 'U0ALICE001', teamId: ORG_TEAM, email: 'alice@example.com' };
const MALLORY: OidcUser = { userId: 'U0MALLORY1', teamId: ORG_TEAM, email: 'mallory@example.com' };

let oidc: FakeSlackOidc;
let t: TestApp;
beforeAll(async () => {
  oidc = await startFakeSlackOidc();
});
afterAll(async () => {
  await oidc.close();
  await stopPostgres();
});
afterEach(async () => {
  await t?.close();
  oidc.tamper = null;
  oidc.forgeSignature = false;
});

async function appWithIdentity(dialect: (typeof DIALECTS)[number], teams = [ORG_TEAM]) {
  t = await createTestApp({ dialect, context: { identity: fakeIdentityVerifier(oidc, { teams }) } });
  oidc.now = () => t.clock.now;
  return t;
}

async function verifiedColumns(device: FakeDevice) {
  return t.store.db
    .selectFrom('devices')
    .select(['verified_user_id', 'verified_team_id', 'verified_email', 'verified_at'])
    .where('id', '=', device.id)
    .executeTakeFirstOrThrow();
}

const UNVERIFIED = { verified_user_id: null, verified_team_id: null, verified_email: null, verified_at: null };

/** A challenge for `device` and a code from Alice's browser that answers it. */
async function answerFor(device: FakeDevice, user = ALICE) {
  const { nonce } = (await requestChallenge(t, device)).json() as { nonce: string };
  return { nonce, code: await authorizationCode(oidc, signedInBrowser(oidc, user), nonce) };
}

function expectRefused(res: LightMyRequestResponse, status: number, code: string) {
  expect({ status: res.statusCode, error: res.json().error }).toEqual({ status, error: code });
  expect(res.json().message).toEqual(expect.any(String));
}

describe.each(DIALECTS)('Sign in with Slack (%s)', (dialect) => {
  it('records the user Slack vouched for on the device', async () => {
    await appWithIdentity(dialect);
    const device = await t.enroll();

    const challenge = (await requestChallenge(t, device)).json();
    const code = await authorizationCode(oidc, signedInBrowser(oidc, ALICE), challenge.nonce);
    const res = await submitAnswer(t, device, { code, nonce: challenge.nonce });

    expect(challenge).toMatchObject({
      configured: true,
      clientId: '1234567890.0987654321',
      authorizeUrl: `${oidc.url}/openid/connect/authorize`,
      scopes: 'openid email',
      nonce: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      verified: null,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().verified).toEqual({
      userId: ALICE.userId,
      teamId: ORG_TEAM,
      email: ALICE.email,
      verifiedAt: t.clock.now,
    });
    expect(await verifiedColumns(device)).toEqual({
      verified_user_id: ALICE.userId,
      verified_team_id: ORG_TEAM,
      verified_email: ALICE.email,
      verified_at: t.clock.now,
    });
    expect((await requestChallenge(t, device)).json().verified).toMatchObject({ userId: ALICE.userId });
  });

  it.each([
    ['a signature Slack never made', 401, 'id_token_bad_signature', () => (oidc.forgeSignature = true)],
    ['another app’s audience', 401, 'id_token_wrong_audience', () => (oidc.tamper = (c) => ({ ...c, aud: '999.999' }))],
    [
      'another issuer',
      401,
      'id_token_wrong_issuer',
      () => (oidc.tamper = (c) => ({ ...c, iss: 'https://evil.example' })),
    ],
    [
      'an expired token',
      401,
      'id_token_expired',
      () => (oidc.tamper = (c) => ({ ...c, exp: Math.floor(t.clock.now / 1000) - 3600 })),
    ],
    ['another nonce', 401, 'id_token_wrong_nonce', () => (oidc.tamper = (c) => ({ ...c, nonce: 'A'.repeat(43) }))],
  ])('refuses an id_token with %s and stores nothing', async (_name, status, code, arrange) => {
    await appWithIdentity(dialect);
    const device = await t.enroll();
    const answer = await answerFor(device);
    arrange();

    const res = await submitAnswer(t, device, answer);

    expectRefused(res, status, code);
    expect(await verifiedColumns(device)).toEqual(UNVERIFIED);
  });

  it('refuses a user of a team this backend does not accept', async () => {
    await appWithIdentity(dialect);
    const device = await t.enroll();
    const answer = await answerFor(device, {
      userId: 'U0OUTSIDE1',
      teamId: 'T0ELSEWHR1',
      email: 'x@elsewhere.example',
    });

    const res = await submitAnswer(t, device, answer);

    expectRefused(res, 403, 'team_not_accepted');
    expect(await verifiedColumns(device)).toEqual(UNVERIFIED);
  });

  it('accepts a challenge once: a replayed nonce is refused and the first answer stands', async () => {
    await appWithIdentity(dialect);
    const device = await t.enroll();
    const first = await answerFor(device, ALICE);
    await submitAnswer(t, device, first);
    t.clock.now += 1000;
    const again = await authorizationCode(oidc, signedInBrowser(oidc, MALLORY), first.nonce);

    const res = await submitAnswer(t, device, { code: again, nonce: first.nonce });

    expectRefused(res, 409, 'nonce_replayed');
    expect((await verifiedColumns(device)).verified_user_id).toBe(ALICE.userId);
  });

  it('refuses a nonce issued to another device, and leaves that device’s challenge usable', async () => {
    await appWithIdentity(dialect);
    const victim = await t.enroll();
    const attacker = await t.enroll();
    const victims = await answerFor(victim, ALICE);

    const stolen = await submitAnswer(t, attacker, victims);
    const own = await submitAnswer(t, victim, victims);

    expectRefused(stolen, 403, 'nonce_not_for_device');
    expect(await verifiedColumns(attacker)).toEqual(UNVERIFIED);
    expect(own.statusCode).toBe(200);
  });

  it('refuses an id_token obtained by one device when another device presents it with its own challenge', async () => {
    await appWithIdentity(dialect);
    const victim = await t.enroll();
    const attacker = await t.enroll();
    const victims = await answerFor(victim, ALICE);
    const { nonce: attackersNonce } = (await requestChallenge(t, attacker)).json();

    const res = await submitAnswer(t, attacker, { code: victims.code, nonce: attackersNonce });

    expectRefused(res, 401, 'id_token_wrong_nonce');
    expect(await verifiedColumns(attacker)).toEqual(UNVERIFIED);
  });

  it('follows Slack’s key rotation: an unknown kid fetches the keys again, a known one does not', async () => {
    await appWithIdentity(dialect);
    const [one, two, three] = [await t.enroll(), await t.enroll(), await t.enroll()];
    await verifyIdentity(t, oidc, one, ALICE);
    const fetchesBefore = oidc.keyFetches;
    await oidc.rotateKey();

    await verifyIdentity(t, oidc, two, ALICE);
    const fetchesAfterRotation = oidc.keyFetches;
    await verifyIdentity(t, oidc, three, ALICE);

    expect(fetchesAfterRotation).toBe(fetchesBefore + 1);
    expect(oidc.keyFetches).toBe(fetchesAfterRotation);
    expect((await verifiedColumns(three)).verified_user_id).toBe(ALICE.userId);
  });

  it('keeps the verified user across a key rotation, which both keys sign', async () => {
    await appWithIdentity(dialect);
    const old = await t.enroll();
    await verifyIdentity(t, oidc, old, ALICE);
    const next = await fakeDevice();
    const nonce = randomUUID();

    const res = await t.post('/v1/devices/rotate-key', old, {
      deviceId: old.id,
      newPublicKey: next.jwk,
      sentAt: t.clock.now,
      nonce,
      proof: await next.sign(rotateKeyProofText(old.id, nonce)),
    });

    expect(res.statusCode).toBe(200);
    expect((await verifiedColumns(next)).verified_user_id).toBe(ALICE.userId);
    expect((await requestChallenge(t, next)).json().verified).toMatchObject({ userId: ALICE.userId });
  });

  it('refuses a challenge answered after it expired', async () => {
    await appWithIdentity(dialect);
    const device = await t.enroll();
    const answer = await answerFor(device);
    t.clock.now += 11 * 60_000;

    expectRefused(await submitAnswer(t, device, answer), 401, 'challenge_expired');
    expect(await verifiedColumns(device)).toEqual(UNVERIFIED);
  });

  it('refuses a nonce it never issued, a redirect to another site and a code Slack refuses', async () => {
    await appWithIdentity(dialect);
    const device = await t.enroll();
    const answer = await answerFor(device);

    const unknown = await submitAnswer(t, device, { code: answer.code, nonce: 'B'.repeat(43) });
    const redirect = await submitAnswer(t, device, { ...answer, redirectUri: 'https://evil.example/slack' });
    const badCode = await submitAnswer(t, device, { ...answer, code: 'not-a-code' });

    expectRefused(unknown, 401, 'unknown_nonce');
    expectRefused(redirect, 400, 'bad_redirect_uri');
    expectRefused(badCode, 400, 'slack_refused_code');
    expect(await verifiedColumns(device)).toEqual(UNVERIFIED);
  });

  it('refuses an unsigned or foreign-signed request before asking Slack anything', async () => {
    await appWithIdentity(dialect);
    const device = await t.enroll();
    const stranger = await fakeDevice();
    const answer = await answerFor(device);
    const tokenCalls = oidc.tokenRequests.length;

    const res = await t.post(
      '/v1/identity/verify',
      device,
      {
        deviceId: device.id,
        sentAt: t.clock.now,
        redirectUri: 'https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/slack',
        ...answer,
      },
      stranger,
    );

    expectRefused(res, 401, 'bad_signature');
    expect(oidc.tokenRequests.length).toBe(tokenCalls);
    expect(await verifiedColumns(device)).toEqual(UNVERIFIED);
  });

  it('says plainly when Sign in with Slack is not configured', async () => {
    t = await createTestApp({ dialect });
    const device = await t.enroll();

    const challenge = await requestChallenge(t, device);
    const verify = await submitAnswer(t, device, { code: 'x', nonce: 'C'.repeat(43) });
    const ready = await t.app.inject({ method: 'GET', url: '/readyz' });

    expect(challenge.json()).toEqual({ configured: false, verified: null });
    expectRefused(verify, 503, 'identity_not_configured');
    expect(ready.json().slackIdentity).toBe('not_configured');
  });

  it('says in /readyz that identities are verified when it is configured', async () => {
    await appWithIdentity(dialect);

    const ready = await t.app.inject({ method: 'GET', url: '/readyz' });

    expect(ready.json()).toMatchObject({ status: 'ready', slackIdentity: 'verified' });
  });
});
