/**
 * What a webhook carries (Standard Webhooks' recommended shape): `type`, `timestamp` (when
 * the event happened), `data`, plus a one-line `text` so a chat incoming-webhook (Slack,
 * Mattermost) shows something readable without a transformer.
 */
import type { FindingView, VerdictView } from '../../shared/protocol/admin';

export interface WebhookEventPayload {
  type: string;
  timestamp: string;
  text: string;
  data: Record<string, unknown>;
}

export interface QueuedEvent {
  /** Stable across retries and replicas: the `webhook-id` header (no dots, per the spec). */
  id: string;
  type: string;
  at: number;
  body: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function verdictEvent(verdict: VerdictView, summary: string | null): QueuedEvent {
  const who = verdict.userId
    ? `user ${verdict.userId} on device ${verdict.deviceId.slice(0, 12)}`
    : `device ${verdict.deviceId.slice(0, 12)}`;
  const payload: WebhookEventPayload = {
    type: 'verdict.issued',
    timestamp: iso(verdict.issuedAt),
    text: `Session Guard ended a Slack session (${verdict.reasons.join(', ')}) for ${who}${summary ? `: ${summary}` : ''}`,
    data: { ...verdict, summary },
  };
  return { id: `msg_verdict_${verdict.id}`, type: payload.type, at: verdict.issuedAt, body: JSON.stringify(payload) };
}

export function findingEvent(finding: FindingView): QueuedEvent {
  const payload: WebhookEventPayload = {
    type: 'finding.recorded',
    timestamp: iso(finding.detectedAt),
    text: `Session Guard finding (${finding.reason}, ${finding.mode} mode, ${finding.outcome}) on device ${finding.deviceId.slice(0, 12)}: ${finding.summary}`,
    data: { ...finding },
  };
  return { id: `msg_finding_${finding.id}`, type: payload.type, at: finding.detectedAt, body: JSON.stringify(payload) };
}

export function testEvent(id: string, at: number, by: string): QueuedEvent {
  const payload: WebhookEventPayload = {
    type: 'webhook.test',
    timestamp: iso(at),
    text: 'Session Guard test event: this endpoint receives signed webhooks.',
    data: { requestedBy: by },
  };
  return { id: `msg_test_${id}`, type: payload.type, at, body: JSON.stringify(payload) };
}
