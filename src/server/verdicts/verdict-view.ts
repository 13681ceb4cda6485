/**
 * A verdict as the admin API and dashboard show it: what was decided, about whom, and
 * what the device did (the ack, with detection-to-response latency).
 */
import type { AckTimings } from '../../shared/protocol/verdict';
import type { StoredAnswer } from '../../shared/protocol/verdict-answer';
import type { VerdictWithAck } from '../db/verdicts.repository';
import { storedAnswer } from '../db/verdict-answers.repository';

export interface VerdictView {
  id: string;
  deviceId: string;
  sessionKey: string | null;
  reasons: string[];
  action: 'terminate';
  issuedAt: number;
  expiresAt: number;
  policyVersion: number;
  findingId: string;
  detectedAt: number | null;
  ack: null | {
    outcome: string;
    detail: string | null;
    via: string;
    cookiesCleared: number;
    receivedAt: number;
    timings: AckTimings;
    latencyMs: number | null;
    /** Issue #12: what ending the session at Slack came to; null from older extensions. */
    slackSignout?: { status: string; detail: string | null } | null;
  };
  /** Issue #14: the user's "this was me" answer; null while unanswered. */
  answer?: StoredAnswer | null;
}

const num = (v: number | null) => (v === null ? null : Number(v));

export function toVerdictView(row: VerdictWithAck): VerdictView {
  return {
    id: row.id,
    deviceId: row.device_id,
    sessionKey: row.session_key,
    reasons: JSON.parse(row.reasons) as string[],
    action: 'terminate',
    issuedAt: Number(row.issued_at),
    expiresAt: Number(row.expires_at),
    policyVersion: Number(row.policy_version),
    findingId: row.finding_id,
    detectedAt: num(row.detected_at),
    ack:
      row.ack_outcome === null
        ? null
        : {
            outcome: row.ack_outcome,
            detail: row.ack_detail,
            via: row.ack_via ?? 'unknown',
            cookiesCleared: Number(row.ack_cookies_cleared ?? 0),
            receivedAt: Number(row.ack_received_at),
            timings: JSON.parse(row.ack_timings ?? '{}') as AckTimings,
            latencyMs: num(row.ack_latency_ms),
            slackSignout:
              row.ack_slack_signout === null
                ? null
                : { status: row.ack_slack_signout, detail: row.ack_slack_signout_detail },
          },
    answer: storedAnswer(row),
  };
}
