/** Row type of `devices`: one enrolled browser, named by its key's thumbprint. */
export interface DevicesTable {
  id: string;
  /** The device's public JWK, JSON text. */
  public_key: string;
  extension_version: string;
  user_agent: string | null;
  /** The Slack user the device's page claims (slack_identity signals): reaches nothing beyond this device. */
  user_id: string | null;
  /** The Slack user Slack vouched for (Sign in with Slack, issue #10), with its team, email and when. */
  verified_user_id?: string | null;
  verified_team_id?: string | null;
  verified_email?: string | null;
  verified_at?: number | null;
  enrolled_at: number;
  last_seen_at: number;
  last_ip: string | null;
  /** Set when an admin revoked the device (issue #5): its key is refused everywhere. */
  revoked_at?: number | null;
  revoked_by?: string | null;
  /** Approval mode (issue #10): `pending` devices are refused until an admin approves; legacy rows are `approved`. */
  approval?: DeviceApproval;
  approval_by?: string | null;
  approval_at?: number | null;
}

export type DeviceApproval = 'approved' | 'pending' | 'rejected';
