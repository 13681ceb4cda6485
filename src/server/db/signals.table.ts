/** Row type of `signals`: append-only; `id` is the device's signal id (dedupe key). */
export interface SignalsTable {
  id: string;
  device_id: string;
  batch_id: string;
  type: string;
  /** Device clock, epoch ms. */
  at: number;
  /** Server clock, epoch ms. */
  received_at: number;
  session_key: string | null;
  source_ip: string | null;
  host: string | null;
  bytes: number | null;
  /** The whole signal as received, JSON text. */
  data: string;
}
