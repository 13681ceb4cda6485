/**
 * "This was me" counted per detector (issue #14): of the verdicts each reason issued lately,
 * how many their users called their own doing, denied, or left unanswered. A reason whose
 * verdicts are mostly "this was me" is the one whose threshold an admin should look at.
 */
import type { AnswerCountsView } from '../../shared/protocol/verdict-answer';
import type { AppContext } from '../app-context';
import { answerCountsSince } from '../db/verdict-answers.repository';

export const DEFAULT_ANSWER_DAYS = 30;

export async function answerCounts(ctx: AppContext, days = DEFAULT_ANSWER_DAYS): Promise<AnswerCountsView> {
  const since = ctx.now() - days * 24 * 3600_000;
  return { since, reasons: await answerCountsSince(ctx.db, since) };
}
