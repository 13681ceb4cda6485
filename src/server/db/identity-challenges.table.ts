/** Row type of `identity_challenges`: a Sign in with Slack challenge issued to one device (issue #10). */
export interface IdentityChallengesTable {
  /** SHA-256 (hex) of the OpenID nonce; the nonce itself is never stored. */
  nonce_hash: string;
  device_id: string;
  created_at: number;
  expires_at: number;
  /** When its first answer arrived, good or bad: a challenge answers once. */
  used_at: number | null;
}
