/** Row type of `devices`: one enrolled browser, named by its key's thumbprint. */
export interface DevicesTable {
  id: string;
  /** The device's public JWK, JSON text. */
  public_key: string;
  extension_version: string;
  user_agent: string | null;
  user_id: string | null;
  enrolled_at: number;
  last_seen_at: number;
  last_ip: string | null;
  /** Set when an admin revoked the device (issue #5): its key is refused everywhere. */
  revoked_at?: number | null;
  revoked_by?: string | null;
}
