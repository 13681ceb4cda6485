/**
 * Slack-attested identity on the wire (issue #10, docs/identity.md). The extension asks
 * for a challenge (signed, like every device request) and learns from the answer the Slack
 * app's client id, where to send the user and the OpenID nonce that binds Slack's answer
 * to this device's key and this challenge; it then hands the authorization code back.
 */
import { z } from 'zod';

export const SLACK_OIDC_SCOPES = 'openid email';
/** The path under `identity.getRedirectURL()` the Slack app registers. */
export const SLACK_REDIRECT_PATH = 'slack';

export const VerifiedSlackIdentity = z.object({
  userId: z.string(),
  teamId: z.string(),
  email: z.string().nullable(),
  verifiedAt: z.number(),
});
export type VerifiedSlackIdentity = z.infer<typeof VerifiedSlackIdentity>;

/** POST /v1/identity/challenge — signed. */
export const IdentityChallengeRequest = z.object({
  deviceId: z.string().max(64),
  sentAt: z.number().int(),
});
export type IdentityChallengeRequest = z.infer<typeof IdentityChallengeRequest>;

export const IdentityChallengeResponse = z.discriminatedUnion('configured', [
  z.object({
    configured: z.literal(false),
    verified: VerifiedSlackIdentity.nullable(),
  }),
  z.object({
    configured: z.literal(true),
    clientId: z.string(),
    authorizeUrl: z.string(),
    scopes: z.string(),
    /** The OpenID nonce for this challenge: single-use, for this device only. */
    nonce: z.string(),
    expiresAt: z.number(),
    verified: VerifiedSlackIdentity.nullable(),
  }),
]);
export type IdentityChallengeResponse = z.infer<typeof IdentityChallengeResponse>;

/** POST /v1/identity/verify — signed: the authorization code Slack's redirect carried. */
export const IdentityVerifyRequest = z.object({
  deviceId: z.string().max(64),
  sentAt: z.number().int(),
  code: z.string().min(1).max(512),
  redirectUri: z.string().max(512),
  nonce: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
});
export type IdentityVerifyRequest = z.infer<typeof IdentityVerifyRequest>;

export const IdentityVerifyResponse = z.object({ verified: VerifiedSlackIdentity });
export type IdentityVerifyResponse = z.infer<typeof IdentityVerifyResponse>;
