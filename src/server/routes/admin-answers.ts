/** Admin API: users' "this was me" answers counted per reason code (issue #14). */
import { z } from 'zod';
import { AnswerCountsView } from '../../shared/protocol/verdict-answer';
import { answerCounts, DEFAULT_ANSWER_DAYS } from '../admin/answer-actions';
import { adminRoute } from './admin-route';

const AnswerQuery = z.object({ days: z.coerce.number().int().min(1).max(365).default(DEFAULT_ANSWER_DAYS) });

export const answerRoutes = [
  adminRoute({
    method: 'GET',
    path: '/verdict-answers',
    summary: 'Verdicts of the last `days` per reason code, by their user’s answer: this was me, not me, unanswered',
    query: AnswerQuery,
    response: AnswerCountsView,
    handler: async ({ ctx, query }) => answerCounts(ctx, query.days),
  }),
];
