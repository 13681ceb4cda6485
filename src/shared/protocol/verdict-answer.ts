/**
 * "This was me" (issue #14, docs/this-was-me.md): a user whose session was ended reads why
 * in plain words and says whether it was them. Both requests are signed by the device the
 * verdict was aimed at, single-use (nonce) and bounded in time (sentAt), like every device
 * request; the answer is stored once on the verdict and never lifts or changes anything by
 * itself: it is the false-positive signal an admin tunes thresholds with.
 */
import { z } from 'zod';
import { DeviceId, Timestamp } from './bounds';
import { WireReasonCode } from './reason-codes';

export const VERDICT_ANSWERS = ['me', 'not_me'] as const;
export const VerdictAnswer = z.enum(VERDICT_ANSWERS);
export type VerdictAnswer = z.infer<typeof VerdictAnswer>;

/** POST /v1/verdicts/explain — signed. */
export const VerdictExplainRequest = z.object({
  deviceId: DeviceId,
  verdictId: z.uuid(),
  nonce: z.uuid(),
  sentAt: Timestamp,
});
export type VerdictExplainRequest = z.infer<typeof VerdictExplainRequest>;

/** POST /v1/verdicts/answer — signed; accepted once per verdict. */
export const VerdictAnswerRequest = VerdictExplainRequest.extend({ answer: VerdictAnswer });
export type VerdictAnswerRequest = z.infer<typeof VerdictAnswerRequest>;

export const StoredAnswer = z.object({ answer: VerdictAnswer, answeredAt: z.number() });
export type StoredAnswer = z.infer<typeof StoredAnswer>;

export const VerdictExplanation = z.object({
  verdictId: z.uuid(),
  /** Each code with its plain words (the code itself when the backend has none). */
  reasons: z.array(z.object({ code: WireReasonCode, text: z.string().max(300) })).min(1),
  /** Server clock: when the backend decided. */
  detectedAt: z.number().nullable(),
  issuedAt: z.number(),
  /** What was counted, for detectors that count this device's own activity; null otherwise. */
  what: z.string().max(500).nullable(),
  /** Where the anomaly was seen: this browser, or (from Slack's logs) somewhere else. */
  seenFrom: z.object({
    thisDevice: z.boolean(),
    address: z.string().max(64).nullable(),
    browser: z.string().max(120).nullable(),
  }),
  answer: StoredAnswer.nullable(),
});
export type VerdictExplanation = z.infer<typeof VerdictExplanation>;

/** GET /api/verdict-answers: per reason code, verdicts by their user's answer (the dashboard's tuning signal). */
export const AnswerCountsView = z.object({
  since: z.number(),
  reasons: z.array(
    z.object({
      reason: z.string(),
      me: z.number().int(),
      notMe: z.number().int(),
      unanswered: z.number().int(),
    }),
  ),
});
export type AnswerCountsView = z.infer<typeof AnswerCountsView>;
