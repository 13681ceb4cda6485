/**
 * POST /v1/enroll: a device proves it holds the key it enrolls (the body is signed by the
 * key inside it) and knows the org's enrollment token. The device id is the key's
 * thumbprint, so re-enrolling the same key is idempotent and no device picks its id.
 */
import type { FastifyPluginAsync } from 'fastify';
import { importPublicJwk, jwkThumbprint } from '../../shared/crypto/signing';
import { EnrollRequest, type EnrollResponse } from '../../shared/protocol/device';
import type { AppContext } from '../app-context';
import { constantTimeEqual } from '../auth/tokens';
import { findDevice, upsertDevice } from '../db/devices.repository';
import { refuseRevoked } from '../http/device-revocation';
import { claimNonce } from '../db/nonces.repository';
import { HttpError } from '../http/http-error';
import { checkClock, parseJson, rawBody, verifySignature } from '../http/signed-body';

const ENROLL_BODY_LIMIT = 16 * 1024;

export const enrollRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.post('/enroll', { bodyLimit: ENROLL_BODY_LIMIT }, async (req): Promise<EnrollResponse> => {
    const bytes = rawBody(req);
    const body = parseJson(bytes, EnrollRequest);
    if (!constantTimeEqual(body.enrollmentToken, ctx.secrets.enrollmentToken)) {
      throw new HttpError(401, 'bad_enrollment_token', 'the enrollment token is not this backend’s');
    }
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
    // Re-enrolling a revoked (or rotated-away) key does not bring it back.
    refuseRevoked(await findDevice(ctx.db, deviceId));

    await ctx.db.transaction().execute(async (trx) => {
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
      });
    });
    req.log.info({ deviceId }, 'device enrolled');
    return { deviceId, sessionKeySecret: ctx.secrets.sessionKeySecret, pollIntervalSeconds: ctx.pollIntervalSeconds };
  });
};
