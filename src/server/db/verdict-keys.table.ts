/** Row type of `verdict_keys`: one verdict signing key a row, its private half sealed. */
export interface VerdictKeysTable {
  /** RFC 7638 thumbprint of the public key; verdicts carry it as `kid`. */
  kid: string;
  /** 1 for the first key, +1 a rotation; the highest active one signs. */
  generation: number;
  /** base64 SPKI DER, as managed policy carries it. */
  public_spki: string;
  /** The private JWK sealed with AES-256-GCM (src/server/verdicts/key-seal.ts). */
  sealed_private: string;
  /** Id of the secret key that sealed it, for a clear error when a replica has another. */
  secret_key_id: string;
  created_at: number;
  /** Signing starts here (a rotation may publish a key before it signs). */
  active_from: number;
}
