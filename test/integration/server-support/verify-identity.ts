/**
 * Sign in with Slack for a test device in one call (issue #10): the real backend flow —
 * a signed challenge, the browser's visit to the fake provider's authorize endpoint with
 * the user's `d` cookie (consent given), and the signed answer with the code — so any
 * integration test can give a device a verified identity the way a real extension does.
 * The steps are exported too, for tests that play an attacker between them.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { resolveIdentityConfig } from '../../../src/server/identity/config';
import { createIdentityVerifier, type IdentityVerifier } from '../../../src/server/identity/slack-oidc';
import { SLACK_OIDC_SCOPES, type VerifiedSlackIdentity } from '../../../src/shared/protocol/identity';
import { OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, type FakeSlackOidc, type OidcUser } from '../../fakes/fake-slack-oidc';
import { signedHeaders, type FakeDevice } from '../../fixtures/server/fake-device';

export const REDIRECT_URI = 'https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/slack';
export const ORG_TEAM = 'T0SGUARD01';

/** The backend's verifier against the fake provider (`--slack-client-id …` as serve makes it). */
export function fakeIdentityVerifier(
  oidc: FakeSlackOidc,
  options: { teams?: string[]; apiUrl?: string } = {},
): IdentityVerifier {
  const config = resolveIdentityConfig(
    { 'slack-client-id': OIDC_CLIENT_ID, 'slack-oidc-url': oidc.url, 'slack-team': options.teams ?? [ORG_TEAM] },
    { SESSION_GUARD_SLACK_CLIENT_SECRET: OIDC_CLIENT_SECRET },
    options.apiUrl ?? oidc.apiUrl,
  )!;
  // No cooldown: a test that rotates the key sees the refetch at once.
  return createIdentityVerifier(config, { jwksCooldownMs: 0 });
}

export interface IdentityTarget {
  app: FastifyInstance;
  clock: { now: number };
  remoteAddress?: string;
}

async function signedPost(t: IdentityTarget, url: string, device: FakeDevice, body: object) {
  const payload = JSON.stringify({ deviceId: device.id, sentAt: t.clock.now, ...body });
  return t.app.inject({
    method: 'POST',
    url,
    payload,
    headers: await signedHeaders(device, payload),
    ...(t.remoteAddress ? { remoteAddress: t.remoteAddress } : {}),
  });
}

export function requestChallenge(t: IdentityTarget, device: FakeDevice): Promise<LightMyRequestResponse> {
  return signedPost(t, '/v1/identity/challenge', device, {});
}

/** A browser signed in to Slack as `user`: its `d` cookie, known to the provider. */
export function signedInBrowser(oidc: FakeSlackOidc, user: OidcUser, consented = true): string {
  const d = `xoxd-${randomBytes(24).toString('base64url')}`;
  oidc.sessions.set(d, user);
  if (consented) oidc.consented.add(user.userId);
  return d;
}

/** What `identity.launchWebAuthFlow` does: visit authorize with the cookie, read the code off the redirect. */
export async function authorizationCode(oidc: FakeSlackOidc, d: string, nonce: string, redirectUri = REDIRECT_URI) {
  const state = randomUUID();
  const { location } = await oidc.authorize(
    {
      response_type: 'code',
      scope: SLACK_OIDC_SCOPES,
      client_id: OIDC_CLIENT_ID,
      redirect_uri: redirectUri,
      state,
      nonce,
    },
    d,
  );
  if (!location) throw new Error('the provider showed a page instead of redirecting (no consent?)');
  const url = new URL(location);
  if (url.searchParams.get('state') !== state) throw new Error('state mismatch');
  return url.searchParams.get('code')!;
}

export function submitAnswer(
  t: IdentityTarget,
  device: FakeDevice,
  answer: { code: string; nonce: string; redirectUri?: string },
): Promise<LightMyRequestResponse> {
  return signedPost(t, '/v1/identity/verify', device, { redirectUri: REDIRECT_URI, ...answer });
}

/** The whole flow: the device ends up with `user` verified by Slack (throws otherwise). */
export async function verifyIdentity(
  t: IdentityTarget,
  oidc: FakeSlackOidc,
  device: FakeDevice,
  user: OidcUser,
): Promise<VerifiedSlackIdentity> {
  const challenge = await requestChallenge(t, device);
  if (challenge.statusCode !== 200) throw new Error(`challenge refused: ${challenge.statusCode} ${challenge.body}`);
  const { nonce } = challenge.json() as { nonce: string };
  const code = await authorizationCode(oidc, signedInBrowser(oidc, user), nonce);
  const answer = await submitAnswer(t, device, { code, nonce });
  if (answer.statusCode !== 200) throw new Error(`verification refused: ${answer.statusCode} ${answer.body}`);
  return (answer.json() as { verified: VerifiedSlackIdentity }).verified;
}
