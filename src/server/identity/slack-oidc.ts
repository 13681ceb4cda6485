/**
 * Sign in with Slack on the backend (issue #10): exchange the authorization code at
 * Slack's `openid.connect.token` and check the id_token with the maintained `jose`
 * library — RS256 signature against Slack's JWKS (cached; fetched again when a token names
 * an unknown key, so Slack's key rotation needs nothing from us), `iss`, `aud` (our client
 * id), `exp`, the nonce this device was given, and `https://slack.com/team_id` among the
 * accepted teams. Each refusal is an HttpError with its own code; nothing is logged that
 * holds the code, the secret or a token.
 */
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import { HttpError } from '../http/http-error';
import type { IdentityConfig } from './config';

export interface SlackClaims {
  userId: string;
  teamId: string;
  email: string | null;
}

export interface IdentityVerifier {
  readonly clientId: string;
  readonly authorizeUrl: string;
  readonly teams: readonly string[];
  /** The code for an id_token; Slack's refusal or silence is an HttpError. */
  exchange(code: string, redirectUri: string): Promise<string>;
  /** The id_token's claims once every check passed, at the server time `now`. */
  verify(idToken: string, nonce: string, now: number): Promise<SlackClaims>;
}

export interface VerifierOptions {
  /** How long after a JWKS fetch no other is made, even for an unknown key (jose's cooldown). */
  jwksCooldownMs?: number;
  /** How long a fetched JWKS is used before it is fetched again. */
  jwksMaxAgeMs?: number;
  timeoutMs?: number;
}

const TEAM_CLAIM = 'https://slack.com/team_id';
const USER_CLAIM = 'https://slack.com/user_id';
const SLACK_ID = /^[A-Z][A-Z0-9]{2,31}$/;

function refuse(code: string, message: string): HttpError {
  return new HttpError(401, code, message);
}

/** jose's errors, said as what was wrong with the token. */
function explain(error: unknown): HttpError {
  if (error instanceof errors.JWTExpired) return refuse('id_token_expired', 'the id_token has expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'iss') return refuse('id_token_wrong_issuer', 'the id_token was not issued by Slack');
    if (error.claim === 'aud')
      return refuse('id_token_wrong_audience', 'the id_token was issued to another Slack app (aud)');
    return refuse('id_token_invalid_claims', `the id_token's "${error.claim}" claim is invalid`);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey)
    return refuse('id_token_bad_signature', "the id_token's signature does not verify against Slack's keys");
  if (error instanceof errors.JOSEAlgNotAllowed)
    return refuse('id_token_bad_signature', 'the id_token is not signed with RS256');
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid)
    return new HttpError(502, 'slack_keys_unavailable', "Slack's signing keys could not be read");
  if (error instanceof errors.JOSEError) return refuse('id_token_malformed', 'the id_token is not a valid JWT');
  return new HttpError(502, 'slack_keys_unavailable', "Slack's signing keys could not be read");
}

export function createIdentityVerifier(config: IdentityConfig, options: VerifierOptions = {}): IdentityVerifier {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const keys = createRemoteJWKSet(new URL(config.keysUrl), {
    cooldownDuration: options.jwksCooldownMs ?? 30_000,
    cacheMaxAge: options.jwksMaxAgeMs ?? 600_000,
    timeoutDuration: timeoutMs,
  });

  return {
    clientId: config.clientId,
    authorizeUrl: config.authorizeUrl,
    teams: config.teams,

    async exchange(code, redirectUri) {
      let answer: { ok?: unknown; id_token?: unknown; error?: unknown };
      try {
        const response = await fetch(config.tokenUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            grant_type: 'authorization_code',
            client_id: config.clientId,
            client_secret: config.clientSecret,
            code,
            redirect_uri: redirectUri,
          }),
          signal: AbortSignal.timeout(timeoutMs),
        });
        answer = (await response.json()) as typeof answer;
      } catch {
        throw new HttpError(502, 'slack_unreachable', 'Slack’s token endpoint did not answer');
      }
      if (answer.ok !== true || typeof answer.id_token !== 'string') {
        const said = typeof answer.error === 'string' ? answer.error.slice(0, 64) : 'no id_token';
        throw new HttpError(400, 'slack_refused_code', `Slack refused the authorization code: ${said}`);
      }
      return answer.id_token;
    },

    async verify(idToken, nonce, now) {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(idToken, keys, {
          algorithms: ['RS256'],
          issuer: config.issuer,
          audience: config.clientId,
          currentDate: new Date(now),
          clockTolerance: 60,
          requiredClaims: ['exp', 'nonce'],
        }));
      } catch (error) {
        throw explain(error);
      }
      if (payload.nonce !== nonce)
        throw refuse('id_token_wrong_nonce', 'the id_token answers another challenge (nonce)');
      const teamId = payload[TEAM_CLAIM];
      const userId = payload[USER_CLAIM] ?? payload.sub;
      if (typeof teamId !== 'string' || !SLACK_ID.test(teamId))
        throw refuse('id_token_invalid_claims', `the id_token has no valid ${TEAM_CLAIM}`);
      if (typeof userId !== 'string' || !SLACK_ID.test(userId) || (payload.sub && payload.sub !== userId))
        throw refuse('id_token_invalid_claims', `the id_token has no valid ${USER_CLAIM}`);
      if (config.teams.length && !config.teams.includes(teamId))
        throw new HttpError(403, 'team_not_accepted', `Slack team ${teamId} is not one this backend accepts`);
      const email = typeof payload.email === 'string' && payload.email.length <= 320 ? payload.email : null;
      return { userId, teamId, email };
    },
  };
}
