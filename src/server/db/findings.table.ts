/** Row type of `findings`: what a detector concluded, whatever was done about it. */
export interface FindingsTable {
  id: string;
  detector: string;
  reason: string;
  severity: string;
  subject: string;
  device_id: string;
  session_key: string | null;
  signal_id: string;
  policy_version: number;
  mode: string;
  action: string;
  /** 'verdict_issued' | 'would_terminate' | 'alert' | 'excluded' | 'cooldown' */
  outcome: string;
  verdict_id: string | null;
  summary: string;
  evidence: string;
  /** Device clock of the triggering signal. */
  event_at: number;
  /** Server clock when the finding was made: the start of detection-to-response latency. */
  detected_at: number;
}
