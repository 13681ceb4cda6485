/** Row type of `nonces`: the single-use id of every accepted signed body. */
export interface NoncesTable {
  id: string;
  kind: 'enroll' | 'batch' | 'poll' | 'ack' | 'explain' | 'answer';
  device_id: string | null;
  received_at: number;
}
