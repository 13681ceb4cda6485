/** Row type of `user_asns`: an AS number a verified Slack user reported from (issue #14, new-asn). */
export interface UserAsnsTable {
  /** `<verified_user_id>:<asn>`. */
  id: string;
  verified_user_id: string;
  asn: number;
  /** Server clock. */
  first_seen: number;
  last_seen: number;
}
