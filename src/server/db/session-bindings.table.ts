/** Row type of `session_bindings`: a Slack session and the device that first reported it. */
export interface SessionBindingsTable {
  /** Keyed hash of `d` (64 hex). */
  session_key: string;
  device_id: string;
  /** ClientFingerprint as JSON text; null until the bound device reports one. */
  fingerprint: string | null;
  /** The signal that made the binding. */
  signal_id: string;
  /** Device clock of that signal. */
  bound_at: number;
  /** Server clock. */
  created_at: number;
}
