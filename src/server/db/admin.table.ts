/** Row types of the admin credentials: dashboard sessions and API tokens, hashed. */
export interface AdminSessionsTable {
  id_hash: string;
  created_at: number;
  expires_at: number;
}

export interface ApiTokensTable {
  id: string;
  token_hash: string;
  label: string;
  created_at: number;
  last_used_at: number | null;
  /** Set when revoked (issue #5); a revoked token authenticates nothing. */
  revoked_at: number | null;
  /** `admin` or `read` (issue #10); tokens made before scopes existed are `admin`. */
  scope: string;
}
