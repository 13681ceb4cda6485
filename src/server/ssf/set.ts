/**
 * Security Event Tokens (RFC 8417) as Shared Signals 1.0 shapes them: a JWT with header
 * `typ: secevent+jwt`, claims `iss` (the transmitter's issuer), `iat`, `jti` (stable per
 * event and receiver, so a retried SET is recognisably the same), `aud` (the receiver's
 * audience), `sub_id` (the subject, `{format: "email", email}`: the user's email as Sign
 * in with Slack verified it) and `events` with exactly one event. No `exp`: RFC 8417 SETs
 * describe something that happened; the receiver dedupes on `jti`.
 */
import { SignJWT } from 'jose';
import { SET_ALG, type SetSigningKey } from './ssf-keys';

export const SET_TYP = 'secevent+jwt';
export const CAEP_SESSION_REVOKED = 'https://schemas.openid.net/secevent/caep/event-type/session-revoked';
export const RISC_CREDENTIAL_COMPROMISE = 'https://schemas.openid.net/secevent/risc/event-type/credential-compromise';

export type SsfEventType = typeof CAEP_SESSION_REVOKED | typeof RISC_CREDENTIAL_COMPROMISE;

export interface SetClaims {
  issuer: string;
  audience: string;
  jti: string;
  email: string;
  eventType: SsfEventType;
  event: Record<string, unknown>;
}

export async function signSet(key: SetSigningKey, claims: SetClaims, now: number): Promise<string> {
  return new SignJWT({
    sub_id: { format: 'email', email: claims.email },
    // Okta's receiver reads the subject inside the event (its SET reference); SSF 1.0 at top level.
    events: { [claims.eventType]: { subject: { user: { format: 'email', email: claims.email } }, ...claims.event } },
  })
    .setProtectedHeader({ alg: SET_ALG, kid: key.kid, typ: SET_TYP })
    .setIssuer(claims.issuer)
    .setAudience(claims.audience)
    .setJti(claims.jti)
    .setIssuedAt(Math.floor(now / 1000))
    .sign(key.privateKey);
}
