/**
 * Sign in with Slack for devices (issue #10, docs/identity.md). Both routes take signed
 * bodies like every device route. `POST /v1/identity/challenge` issues a fresh, single-use
 * challenge for this device and says what the extension needs to ask Slack (client id,
 * authorize URL, scopes, nonce), plus what Slack already vouched for. `POST
 * /v1/identity/verify` spends the challenge, exchanges the code, verifies the id_token and
 * records the verified user on the device. Every refusal is a clear error that stores
 * nothing on the device (the challenge is spent by its first answer, good or bad).
 */
import { createHash } from 'node:crypto';
import { geckoIdFrom } from '../../shared/gecko-id';
import type { FastifyPluginAsync } from 'fastify';
import {
  IdentityChallengeRequest,
  IdentityVerifyRequest,
  IdentityChallengeResponse,
  IdentityVerifyResponse,
  SLACK_OIDC_SCOPES,
} from '../../shared/protocol/identity';
import type { AppContext } from '../app-context';
import { recordVerifiedIdentity, verifiedIdentityOf } from '../db/devices';
import { issueChallenge, spendChallenge, type SpendResult } from '../db/identity-challenges.repository';
import { HttpError } from '../http/http-error';
import { deviceSchema } from '../http/route-schemas';
import { verifyDeviceRequest } from '../http/signed-body';
import { CHALLENGE_TTL_MS, hashNonce, newNonce } from '../identity/nonce';

const BODY_LIMIT = 4 * 1024;

const SPEND_REFUSALS: Record<Exclude<SpendResult, 'spent'>, HttpError> = {
  unknown: new HttpError(401, 'unknown_nonce', 'this nonce was never issued; ask for a new challenge'),
  other_device: new HttpError(403, 'nonce_not_for_device', 'this nonce was issued to another device'),
  used: new HttpError(409, 'nonce_replayed', 'this challenge was already answered; ask for a new one'),
  expired: new HttpError(401, 'challenge_expired', 'this challenge has expired; ask for a new one'),
};

/** Firefox's `identity.getRedirectURL()` host: the SHA-1 (hex) of the gecko id under extensions.allizom.org. */
export const firefoxRedirectHost = (geckoId: string) =>
  `${createHash('sha1').update(geckoId).digest('hex')}.extensions.allizom.org`;

/**
 * Slack sends the browser back only to the extension's own `https://<id>.chromiumapp.org/…`,
 * or in Firefox to `https://<sha1 of the gecko id>.extensions.allizom.org/…`.
 */
export function checkRedirectUri(
  extensionOrigins: readonly string[],
  redirectUri: string,
  geckoId = geckoIdFrom(process.env),
): void {
  let url: URL;
  try {
    url = new URL(redirectUri);
  } catch {
    throw new HttpError(400, 'bad_redirect_uri', 'redirectUri is not a URL');
  }
  if (url.protocol !== 'https:') throw new HttpError(400, 'bad_redirect_uri', 'redirectUri must be https');
  const ids = extensionOrigins.filter((o) => o.startsWith('chrome-extension://')).map((o) => o.slice(19));
  if (
    ids.length &&
    !ids.some((id) => url.host === `${id}.chromiumapp.org`) &&
    url.host !== firefoxRedirectHost(geckoId)
  )
    throw new HttpError(
      400,
      'bad_redirect_uri',
      "redirectUri is not this extension's chromiumapp.org (or Firefox allizom.org) address",
    );
}

export const identityRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const count = (result: string) => ctx.metrics.counters.sg_identity_verifications_total.inc({ result });

  const challenge = deviceSchema(
    'Sign in with Slack: a fresh single-use challenge (client id, authorize URL, nonce) for this device',
    IdentityChallengeRequest,
    IdentityChallengeResponse,
  );
  const verify = deviceSchema(
    'Sign in with Slack: exchange the code, verify the id_token, record the verified user',
    IdentityVerifyRequest,
    IdentityVerifyResponse,
    { errors: [503] },
  );

  app.post(
    '/identity/challenge',
    { bodyLimit: BODY_LIMIT, schema: challenge },
    async (req): Promise<IdentityChallengeResponse> => {
      const { device } = await verifyDeviceRequest(ctx, req, IdentityChallengeRequest);
      const verified = verifiedIdentityOf(device);
      if (!ctx.identity) return { configured: false, verified };
      const now = ctx.now();
      const { nonce, nonceHash } = newNonce(device.id);
      const expiresAt = now + CHALLENGE_TTL_MS;
      await issueChallenge(ctx.db, {
        nonce_hash: nonceHash,
        device_id: device.id,
        created_at: now,
        expires_at: expiresAt,
        used_at: null,
      });
      return {
        configured: true,
        clientId: ctx.identity.clientId,
        authorizeUrl: ctx.identity.authorizeUrl,
        scopes: SLACK_OIDC_SCOPES,
        nonce,
        expiresAt,
        verified,
      };
    },
  );

  app.post(
    '/identity/verify',
    { bodyLimit: BODY_LIMIT, schema: verify },
    async (req): Promise<IdentityVerifyResponse> => {
      const { device, body } = await verifyDeviceRequest(ctx, req, IdentityVerifyRequest);
      try {
        if (!ctx.identity)
          throw new HttpError(
            503,
            'identity_not_configured',
            'Sign in with Slack is not configured on this backend (serve --slack-client-id)',
          );
        checkRedirectUri(ctx.extensionOrigins, body.redirectUri);
        const spent = await spendChallenge(ctx.db, hashNonce(body.nonce), device.id, ctx.now());
        if (spent !== 'spent') throw SPEND_REFUSALS[spent];
        const idToken = await ctx.identity.exchange(body.code, body.redirectUri);
        const claims = await ctx.identity.verify(idToken, body.nonce, ctx.now());
        const verified = { ...claims, verifiedAt: ctx.now() };
        await recordVerifiedIdentity(ctx.db, device.id, verified);
        count('verified');
        req.log.info({ deviceId: device.id, userId: claims.userId, teamId: claims.teamId }, 'slack identity verified');
        return { verified };
      } catch (error) {
        if (error instanceof HttpError) {
          count(error.code);
          req.log.warn({ deviceId: device.id, refusal: error.code }, 'slack identity refused');
        }
        throw error;
      }
    },
  );
};
