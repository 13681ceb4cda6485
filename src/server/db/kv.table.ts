/** Row type of `kv`: server secrets and settings shared by every replica. */
export interface KvTable {
  key: string;
  value: string;
  updated_at: number;
}
