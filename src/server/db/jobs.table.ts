/** Row type of the one durable job queue (src/server/jobs/, migrations/20260201000000_jobs.ts). */
export interface JobsTable {
  id: string;
  /** Which handler runs it, e.g. `webhook.delivery`, `slack.revocation`. */
  kind: string;
  /** Unique per kind: enqueueing the same (kind, key) twice adds nothing. */
  key: string;
  /** JSON text handed to the handler. */
  payload: string;
  /** 'pending' | 'done' | 'failed' */
  status: string;
  /** Claims so far (a claim counts even when its runner dies mid-job). */
  attempts: number;
  /** Not claimed before this (epoch ms). */
  run_at: number;
  /** A runner holds the job until then; 0 when free. An expired lease is claimable again. */
  locked_until: number;
  /** The claim's random token: only its holder may settle the job or save its payload. */
  locked_by: string | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}
