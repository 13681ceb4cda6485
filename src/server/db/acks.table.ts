/** Row type of `acks`: at most one per verdict (the first one received wins). */
export interface AcksTable {
  verdict_id: string;
  device_id: string;
  outcome: string;
  detail: string | null;
  via: string;
  cookies_cleared: number;
  /** AckTimings as sent (device clock), JSON text. */
  timings: string;
  latency_ms: number | null;
  /** Server clock. */
  received_at: number;
}
