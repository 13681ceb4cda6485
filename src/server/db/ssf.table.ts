/** Row types of the Shared Signals tables (issue #12; migrations/20260207000100_ssf.ts). */

export interface SsfKeysTable {
  /** RFC 7638 thumbprint of the public key. */
  kid: string;
  generation: number;
  /** The public JWK (ES256), JSON text: published in the JWKS. */
  public_jwk: string;
  /** `v1.<iv>.<tag>.<ciphertext>`: the private JWK under the secret key (src/server/ssf/seal.ts). */
  sealed_private: string;
  secret_key_id: string;
  created_at: number;
}

export interface SsfReceiversTable {
  id: string;
  /** Where SETs are POSTed (RFC 8935 push endpoint). */
  url: string;
  /** The SET's `aud`: what the receiver expects (its own id or URL). */
  audience: string;
  /** The receiver's bearer token, sealed; never shown or logged. Null: the receiver wants none (Okta). */
  token_sealed: string | null;
  /** The token's last four characters, to tell receivers apart in a list. */
  token_hint: string | null;
  secret_key_id: string;
  created_at: number;
  created_by: string;
  /** 'delivered' | 'retrying' | 'failed' after the last attempt, with its error. */
  last_status: string | null;
  last_error: string | null;
  last_attempt_at: number | null;
}
