/**
 * POST /v1/signals: a signed batch from an enrolled device. Rejections store nothing;
 * an accepted batch claims its batchId, appends the signals it has not seen (a known
 * signal id counts as a duplicate) with the request's source address and, in the same
 * transaction, a `detection.batch` job claimed by this request (detection-jobs.ts), in a
 * commit it may share with the batches stored beside it (db/group-commit.ts); then
 * it runs detection on the new ones before answering, so a verdict is already on its way
 * when it returns. A detection that throws, or a process that dies before it finished, is
 * not lost: the job is run again by any replica (issue #17).
 * `sg_signal_batches_in_flight` counts batches from storing to the end of their detection:
 * when it is 0, every stored batch has been through detection (tests wait on it, not on a
 * sleep), also when the device hung up before the answer.
 * A batch that issues a verdict logs its wall-clock timings ("verdict issued": request
 * arrived, batch stored, verdict handed to the hub), where bench/latency.ts splits the
 * device's download-to-cleared time into stages.
 */
import type { FastifyPluginAsync } from 'fastify';
import { SignalBatch, SignalBatchResult } from '../../shared/protocol/signals';
import type { AppContext } from '../app-context';
import { recordSlackIdentity, touchDevice } from '../db/devices';
import { createGroupCommit } from '../db/group-commit';
import { claimNonce } from '../db/nonces.repository';
import { insertSignals, signalRow } from '../db/signals.repository';
import { DEFAULT_DETECTION_JOBS, enqueueClaimedDetection, runClaimedDetection } from '../detection/detection-jobs';
import { runDetection } from '../detection/engine';
import { markLateDownloads } from '../detection/late-signals';
import { checkSignalTimes } from '../http/signal-times';
import { HttpError } from '../http/http-error';
import { deviceSchema } from '../http/route-schemas';
import { verifyDeviceRequest } from '../http/signed-body';

export const SIGNALS_BODY_LIMIT = 256 * 1024;

export const signalRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const jobSettings = ctx.detectionJobs ?? DEFAULT_DETECTION_JOBS;
  let inFlight = 0;
  // Batches stored while another commits share the next commit (db/group-commit.ts).
  const writes = createGroupCommit(ctx.db);
  ctx.metrics.gauges.sg_signal_batches_in_flight.readFrom(() => inFlight);
  const schema = deviceSchema('Report a signed batch of signals', SignalBatch, SignalBatchResult);
  app.post('/signals', { bodyLimit: SIGNALS_BODY_LIMIT, schema }, async (req, reply): Promise<SignalBatchResult> => {
    const arrivedAt = Date.now() - reply.elapsedTime;
    const { device, body } = await verifyDeviceRequest(ctx, req, SignalBatch);
    const now = ctx.now();
    const ip = req.ip ?? null;
    checkSignalTimes(body);
    const rows = body.signals.map((s) => signalRow(s, device.id, body.batchId, now, ip));

    // Counted in the handler itself: a device that hangs up mid-request (a browser closing)
    // must not leave the count above 0 for good, as answer hooks that never ran did.
    inFlight++;
    try {
      const { inserted, claim } = await writes.run(async (trx) => {
        if (!(await claimNonce(trx, { id: body.batchId, kind: 'batch', device_id: device.id, received_at: now }))) {
          throw new HttpError(409, 'replayed_batch', 'this batchId was already received');
        }
        await markLateDownloads(trx, device.id, rows);
        const stored = await insertSignals(trx, rows);
        await recordSlackIdentity(
          trx,
          device.id,
          body.signals.filter((s) => stored.has(s.id)),
        );
        await touchDevice(trx, device.id, now, ip);
        if (stored.size === 0) return { inserted: stored, claim: null };
        const payload = { deviceId: device.id, batchId: body.batchId, signalIds: [...stored], sourceIp: ip };
        return { inserted: stored, claim: await enqueueClaimedDetection(trx, payload, now, jobSettings) };
      });
      const storedAt = Date.now();

      const seen = new Set<string>();
      const fresh = body.signals.filter((s) => inserted.has(s.id) && !seen.has(s.id) && seen.add(s.id));
      ctx.metrics.counters.sg_signals_total.inc({ result: 'accepted' }, fresh.length);
      ctx.metrics.counters.sg_signals_total.inc({ result: 'duplicate' }, body.signals.length - fresh.length);
      if (claim) {
        const input = {
          device: { id: device.id, userId: device.user_id, verifiedUserId: device.verified_user_id ?? null },
          signals: fresh,
          sourceIp: ip,
          batchId: body.batchId,
        };
        const detectAndLog = async () => {
          const { findings } = await runDetection(ctx, input);
          for (const { verdictId, publishedAt } of findings) {
            if (verdictId) req.log.info({ verdictId, timings: { arrivedAt, storedAt, publishedAt } }, 'verdict issued');
          }
        };
        // The signals are stored; a detection failure must not make the device resend them.
        await runClaimedDetection(ctx, claim, detectAndLog, jobSettings, req.log, writes);
      }
      return { accepted: fresh.length, duplicates: body.signals.length - fresh.length };
    } finally {
      inFlight--;
    }
  });
};
