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
  /** 1 when `at` predates the device's previous report (issue #10): never counted into baselines. */
  late?: number;
  /** `api_calls` only (issue #14): the method and the count, for SQL windows and sums. */
  api_method?: string | null;
  api_calls?: number | null;
  /** The whole signal as received, JSON text. */
  data: string;
}
