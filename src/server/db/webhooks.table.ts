/** Row types of outgoing webhooks and their durable delivery queue (issue #5). */
export interface WebhooksTable {
  id: string;
  url: string;
  /** `whsec_<base64>` (Standard Webhooks); needed in clear to sign. */
  secret: string;
  /** JSON array of event types, e.g. `["verdict.issued"]`. */
  events: string;
  description: string;
  enabled: number;
  disabled_reason: string | null;
  created_at: number;
  created_by: string;
}

export interface WebhookDeliveriesTable {
  id: string;
  webhook_id: string;
  /** The event's id, unique per webhook: the Standard Webhooks `webhook-id`. */
  event_id: string;
  event_type: string;
  /** The exact JSON text sent (and signed) on every attempt. */
  payload: string;
  /** 'pending' | 'delivered' | 'failed' */
  status: string;
  attempts: number;
  next_attempt_at: number;
  /** Unused since deliveries run as jobs (issue #11: the job's lease); kept for old rows. */
  locked_until: number;
  last_status: number | null;
  last_error: string | null;
  created_at: number;
  delivered_at: number | null;
}
