/** Row type of `policies`: every version of the org policy, never updated in place. */
export interface PoliciesTable {
  version: number;
  document: string;
  created_at: number;
  created_by: string;
}
