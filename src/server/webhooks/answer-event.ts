/**
 * `verdict.answered` (issue #14): a user said "this was me" or "this was not me" about the
 * verdict that ended their session. One event per verdict (an answer is accepted once), so
 * its id is stable across ticks and replicas. It carries codes and ids, never content.
 */
import type { VerdictRow } from '../db/verdicts.repository';
import type { QueuedEvent, WebhookEventPayload } from './payloads';

export const ANSWER_EVENT = 'verdict.answered';

const ANSWER_TEXT: Record<string, string> = { me: 'this was me', not_me: 'this was not me' };

function targetUser(payload: string): string | null {
  try {
    const userId = (JSON.parse(payload) as { target?: { userId?: unknown } }).target?.userId;
    return typeof userId === 'string' ? userId : null;
  } catch {
    return null;
  }
}

export function answerEvent(row: VerdictRow): QueuedEvent {
  const at = Number(row.user_answered_at);
  const reasons = JSON.parse(row.reasons) as string[];
  const userId = targetUser(row.payload);
  const who = userId ? `User ${userId}` : `The user of device ${row.device_id.slice(0, 12)}`;
  const payload: WebhookEventPayload = {
    type: ANSWER_EVENT,
    timestamp: new Date(at).toISOString(),
    text: `${who} answered “${ANSWER_TEXT[row.user_answer ?? ''] ?? row.user_answer}” to the Session Guard verdict (${reasons.join(', ')}) that ended their Slack session`,
    data: {
      verdictId: row.id,
      deviceId: row.device_id,
      userId,
      reasons,
      answer: row.user_answer,
      answeredAt: at,
      issuedAt: Number(row.issued_at),
    },
  };
  return { id: `msg_answer_${row.id}`, type: ANSWER_EVENT, at, body: JSON.stringify(payload) };
}
