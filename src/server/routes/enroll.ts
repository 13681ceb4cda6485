/**
 * POST /v1/enroll: a device proves it holds the key it enrolls (the body is signed by the
 * key inside it) and knows the org's enrollment token. The device id is the key's
 * thumbprint, so re-enrolling the same key is idempotent and no device picks its id.
 * An admin's controls apply (issue #10, src/server/enrollment/): rate limits (429 with
 * Retry-After), the token rotation's grace, the device quota, approval mode. Every
 * refusal is thrown before the transaction, or rolls it back: it stores nothing.
 */
import type { FastifyPluginAsync } from 'fastify';
import { importPublicJwk, jwkThumbprint } from '../../shared/crypto/signing';
import { EnrollRequest, EnrollResponse } from '../../shared/protocol/device';
import type { AppContext } from '../app-context';
import { checkEnrollmentToken } from '../auth/enrollment-tokens';
import { findDevice, upsertDevice, type DeviceApproval } from '../db/devices';
import { EnrollmentRateLimited } from '../enrollment/controls';
import { approvalRefusal, refuseUnapproved } from '../http/device-approval';
import { refuseRevoked } from '../http/device-revocation';
import { claimNonce } from '../db/nonces.repository';
import { HttpError } from '../http/http-error';
import { deviceSchema } from '../http/route-schemas';
import { checkClock, parseJson, rawBody, verifySignature } from '../http/signed-body';

const ENROLL_BODY_LIMIT = 16 * 1024;

export const enrollRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const schema = deviceSchema('Enroll a device (signed by the key it enrolls)', EnrollRequest, EnrollResponse, {
    enroll: true,
    errors: [429],
  });
  app.post('/enroll', { bodyLimit: ENROLL_BODY_LIMIT, schema }, async (req, reply): Promise<EnrollResponse> => {
    try {
      ctx.enrollment.admitAddress(req.ip, ctx.now());
    } catch (error) {
      if (error instanceof EnrollmentRateLimited) reply.header('retry-after', String(error.retryAfterSeconds));
      throw error;
    }
    const bytes = rawBody(req);
    const body = parseJson(bytes, EnrollRequest);
    const tokenUsed = await checkEnrollmentToken(ctx.db, body.enrollmentToken, ctx.now());
    let publicKey: CryptoKey;
    try {
      publicKey = await importPublicJwk(body.publicKey);
    } catch {
      throw new HttpError(400, 'invalid_public_key', 'publicKey is not a P-256 public key');
    }
    await verifySignature(publicKey, req, bytes);
    const now = ctx.now();
    checkClock(body.sentAt, now);
    const deviceId = await jwkThumbprint(body.publicKey);
    const existing = await findDevice(ctx.db, deviceId);
    // Re-enrolling a revoked (or rotated-away) key does not bring it back, nor a pending one in early.
    refuseRevoked(existing);
    refuseUnapproved(existing);
    try {
      ctx.enrollment.admitTotal(now);
    } catch (error) {
      if (error instanceof EnrollmentRateLimited) reply.header('retry-after', String(error.retryAfterSeconds));
      throw error;
    }

    let approval: DeviceApproval = existing?.approval ?? 'approved';
    await ctx.db.transaction().execute(async (trx) => {
      if (!existing) approval = await ctx.enrollment.admitNewDevice(trx, ctx.dialect);
      if (!(await claimNonce(trx, { id: body.nonce, kind: 'enroll', device_id: deviceId, received_at: now }))) {
        throw new HttpError(409, 'replayed_nonce', 'this enrollment request was already received');
      }
      await upsertDevice(trx, {
        id: deviceId,
        public_key: JSON.stringify(body.publicKey),
        extension_version: body.extensionVersion,
        user_agent: body.userAgent ?? null,
        user_id: null,
        enrolled_at: now,
        last_seen_at: now,
        last_ip: req.ip ?? null,
        approval,
      });
    });
    req.log.info({ deviceId, approval, tokenUsed }, 'device enrolled');
    // Enrolled, but it gets no secret and may send nothing until an admin approves it.
    const refusal = approvalRefusal({ approval });
    if (refusal) throw refusal;
    return { deviceId, sessionKeySecret: ctx.secrets.sessionKeySecret, pollIntervalSeconds: ctx.pollIntervalSeconds };
  });
};
