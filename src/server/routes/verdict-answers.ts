/**
 * "This was me" (issue #14, docs/this-was-me.md): the device a verdict was aimed at asks
 * why its session was ended (POST /v1/verdicts/explain) and sends its user's answer
 * (POST /v1/verdicts/answer). Both are signed device requests with a single-use nonce.
 * Another device's verdict is `unknown_verdict` (422, as for acks: whether it exists is
 * not told). The first answer stands: a second is refused with 409 `already_answered`, so
 * malware that later runs on the device cannot turn a "this was not me" into "this was me".
 * An answer changes no verdict and lifts nothing; it is shown to admins, counted per
 * detector, and sent to webhooks (`verdict.answered`).
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  StoredAnswer,
  VerdictAnswer,
  VerdictAnswerRequest,
  VerdictExplainRequest,
  VerdictExplanation,
} from '../../shared/protocol/verdict-answer';
import type { AppContext } from '../app-context';
import type { DeviceRow } from '../db/devices';
import { claimNonce } from '../db/nonces.repository';
import { recordAnswer, storedAnswer } from '../db/verdict-answers.repository';
import { findVerdict, type VerdictRow } from '../db/verdicts.repository';
import { HttpError } from '../http/http-error';
import { deviceSchema } from '../http/route-schemas';
import { verifyDeviceRequest } from '../http/signed-body';
import { explainVerdict } from '../verdicts/verdict-explanation';

/** How long after a verdict its user may still answer. */
export const ANSWER_WINDOW_MS = 30 * 24 * 3600_000;

export const AnswerResult = z.object({ recorded: z.literal(true), answer: StoredAnswer });
export type AnswerResult = z.infer<typeof AnswerResult>;

async function verdictFor(
  ctx: AppContext,
  device: DeviceRow,
  body: { verdictId: string; nonce: string },
  kind: 'explain' | 'answer',
): Promise<VerdictRow> {
  const verdict = await findVerdict(ctx.db, body.verdictId);
  if (!verdict || verdict.device_id !== device.id) {
    throw new HttpError(422, 'unknown_verdict', 'no verdict with this id was issued to this device');
  }
  const claimed = await claimNonce(ctx.db, { id: body.nonce, kind, device_id: device.id, received_at: ctx.now() });
  if (!claimed) throw new HttpError(409, 'replayed_nonce', 'this request was already received');
  return verdict;
}

export const verdictAnswerRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const explainSchema = deviceSchema(
    'Why a verdict ended this device’s session, in plain words, and its answer if any (issue #14)',
    VerdictExplainRequest,
    VerdictExplanation,
    { errors: [422] },
  );
  app.post('/verdicts/explain', { bodyLimit: 4 * 1024, schema: explainSchema }, async (req: FastifyRequest) => {
    const { device, body } = await verifyDeviceRequest(ctx, req, VerdictExplainRequest);
    const verdict = await verdictFor(ctx, device, body, 'explain');
    return explainVerdict(ctx.db, verdict);
  });

  const answerSchema = deviceSchema(
    'The user’s answer to a verdict: "this was me" or "this was not me"; accepted once (issue #14)',
    VerdictAnswerRequest,
    AnswerResult,
    { errors: [422] },
  );
  app.post(
    '/verdicts/answer',
    { bodyLimit: 4 * 1024, schema: answerSchema },
    async (req: FastifyRequest): Promise<AnswerResult> => {
      const { device, body } = await verifyDeviceRequest(ctx, req, VerdictAnswerRequest);
      const verdict = await verdictFor(ctx, device, body, 'answer');
      const at = ctx.now();
      if (at - Number(verdict.issued_at) > ANSWER_WINDOW_MS) {
        throw new HttpError(422, 'answer_window_closed', 'this verdict is too old to be answered');
      }
      const answer: VerdictAnswer = body.answer;
      if (!(await recordAnswer(ctx.db, { verdictId: verdict.id, deviceId: device.id, answer, at }))) {
        const first = storedAnswer((await findVerdict(ctx.db, verdict.id)) ?? verdict);
        throw new HttpError(
          409,
          'already_answered',
          `this verdict was already answered (${first?.answer ?? 'unknown'}); the first answer stands`,
        );
      }
      ctx.metrics.counters.sg_verdict_answers_total.inc({ answer });
      req.log.info({ verdictId: verdict.id, answer }, 'verdict answered by its user');
      ctx.webhooks.kick();
      return { recorded: true, answer: { answer, answeredAt: at } };
    },
  );
};
