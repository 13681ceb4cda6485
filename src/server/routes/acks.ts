/**
 * POST /v1/acks: the device reports what it did with a verdict. Stored once: a repeat
 * (a retry whose answer was lost, or a second execution) answers 200 and changes nothing,
 * so the nonce is recorded but a reused one is not an error here.
 */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { VerdictAck, type SlackSignout } from '../../shared/protocol/verdict';
import type { AppContext } from '../app-context';
import { findAck, insertAckOnce } from '../db/acks.repository';
import { findFinding } from '../db/findings.repository';
import { claimNonce } from '../db/nonces.repository';
import { findVerdict } from '../db/verdicts.repository';
import { HttpError } from '../http/http-error';
import { deviceSchema } from '../http/route-schemas';
import { verifyDeviceRequest } from '../http/signed-body';
import { detectionToResponseMs } from '../verdicts/latency';

/** The ack's `slackSignout` as two columns: status, and the method, code or reason. */
export function signoutColumns(s: SlackSignout | undefined): {
  slack_signout: string | null;
  slack_signout_detail: string | null;
} {
  if (!s) return { slack_signout: null, slack_signout_detail: null };
  const detail =
    s.status === 'confirmed'
      ? s.method
      : s.status === 'failed'
        ? [s.method, s.code].filter(Boolean).join(': ')
        : s.reason;
  return { slack_signout: s.status, slack_signout_detail: detail ?? null };
}

export const AckResult = z.object({
  recorded: z.boolean(),
  duplicate: z.boolean().describe('true when this verdict was already acknowledged (nothing changed)'),
  latencyMs: z.number().nullable(),
});
export type AckResult = z.infer<typeof AckResult>;

export const ackRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const schema = deviceSchema('Acknowledge a verdict (idempotent)', VerdictAck, AckResult, { errors: [422] });
  app.post('/acks', { bodyLimit: 16 * 1024, schema }, async (req): Promise<AckResult> => {
    const { device, body } = await verifyDeviceRequest(ctx, req, VerdictAck);
    const receivedAt = ctx.now();
    const verdict = await findVerdict(ctx.db, body.verdictId);
    if (!verdict || verdict.device_id !== device.id) {
      // 422, not 404: the device is known, only this ack is unusable, so it should be dropped, not retried.
      throw new HttpError(422, 'unknown_verdict', 'no verdict with this id was issued to this device');
    }
    const finding = await findFinding(ctx.db, verdict.finding_id);
    const latencyMs =
      body.outcome === 'rejected' || !finding
        ? null
        : detectionToResponseMs(receivedAt, finding.detectedAt, body.timings);

    await claimNonce(ctx.db, { id: body.nonce, kind: 'ack', device_id: device.id, received_at: receivedAt });
    const recorded = await insertAckOnce(ctx.db, {
      verdict_id: verdict.id,
      device_id: device.id,
      outcome: body.outcome,
      detail: body.detail ?? null,
      via: body.via,
      cookies_cleared: body.cookiesCleared,
      timings: JSON.stringify(body.timings),
      latency_ms: latencyMs,
      received_at: receivedAt,
      ...signoutColumns(body.slackSignout),
    });
    if (recorded) {
      ctx.metrics.counters.sg_acks_total.inc({ outcome: body.outcome });
      if (latencyMs !== null) ctx.metrics.histograms.sg_detection_to_response_ms.observe(latencyMs);
      if (body.slackSignout) ctx.metrics.counters.sg_slack_signouts_total.inc({ status: body.slackSignout.status });
      req.log.info({ verdictId: verdict.id, outcome: body.outcome, latencyMs }, 'verdict acknowledged');
      return { recorded, duplicate: false, latencyMs };
    }
    const first = await findAck(ctx.db, verdict.id);
    return { recorded: false, duplicate: true, latencyMs: first?.latency_ms ?? null };
  });
};
