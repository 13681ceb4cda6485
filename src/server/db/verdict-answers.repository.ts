/**
 * "This was me" answers on verdicts (issue #14): set once by the targeted device, counted
 * per reason for the dashboard (the false-positive signal), and read back for webhooks.
 */
import type { StoredAnswer, VerdictAnswer } from '../../shared/protocol/verdict-answer';
import type { Db } from './schema';
import type { VerdictRow } from './verdicts.repository';

/**
 * Stores the answer when the verdict was aimed at this device and is still unanswered;
 * false otherwise. One statement, so two answers racing cannot both win.
 */
export async function recordAnswer(
  db: Db,
  input: { verdictId: string; deviceId: string; answer: VerdictAnswer; at: number },
): Promise<boolean> {
  const result = await db
    .updateTable('verdicts')
    .set({ user_answer: input.answer, user_answered_at: input.at })
    .where('id', '=', input.verdictId)
    .where('device_id', '=', input.deviceId)
    .where('user_answer', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows ?? 0) > 0;
}

/** The answer columns as the wire shows them; null while unanswered. */
export function storedAnswer(row: Pick<VerdictRow, 'user_answer' | 'user_answered_at'>): StoredAnswer | null {
  if (!row.user_answer || row.user_answered_at === null || row.user_answered_at === undefined) return null;
  return { answer: row.user_answer as VerdictAnswer, answeredAt: Number(row.user_answered_at) };
}

export interface AnswerCounts {
  reason: string;
  me: number;
  notMe: number;
  unanswered: number;
}

/** Per reason code, the verdicts issued since `since` by their user's answer. */
export async function answerCountsSince(db: Db, since: number, limit = 50_000): Promise<AnswerCounts[]> {
  const rows = await db
    .selectFrom('verdicts')
    .select(['reasons', 'user_answer'])
    .where('issued_at', '>=', since)
    .limit(limit)
    .execute();
  const counts = new Map<string, AnswerCounts>();
  for (const row of rows) {
    for (const reason of JSON.parse(row.reasons) as string[]) {
      const c = counts.get(reason) ?? { reason, me: 0, notMe: 0, unanswered: 0 };
      if (row.user_answer === 'me') c.me++;
      else if (row.user_answer === 'not_me') c.notMe++;
      else c.unanswered++;
      counts.set(reason, c);
    }
  }
  return [...counts.values()].sort((a, b) => a.reason.localeCompare(b.reason));
}

/** Verdicts answered since `since` (webhooks look back this far), oldest answer first. */
export async function answeredSince(db: Db, since: number, limit = 500): Promise<VerdictRow[]> {
  return db
    .selectFrom('verdicts')
    .selectAll()
    .where('user_answered_at', '>=', since)
    .orderBy('user_answered_at')
    .limit(limit)
    .execute();
}
