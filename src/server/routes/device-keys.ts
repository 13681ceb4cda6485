/**
 * POST /v1/devices/rotate-key (issue #4): a device replaces its key. Signed by the old key
 * and proving the new one (`proof` over `sg-rotate:<deviceId>:<nonce>`); the backend makes
 * the new device, links old to new and refuses the old key from then on. A repeat for
 * the same new key (the answer was lost) answers the same, so the device can retry.
 */
import type { FastifyPluginAsync } from 'fastify';
import { importPublicJwk, jwkThumbprint, verify, type PublicJwk } from '../../shared/crypto/signing';
import { DEVICE_HEADER, RotateKeyRequest, RotateKeyResponse, rotateKeyProofText } from '../../shared/protocol/device';
import type { AppContext } from '../app-context';
import { findDevice, findRotationFrom, rotateDeviceKey } from '../db/devices';
import { claimNonce } from '../db/nonces.repository';
import { refuseUnapproved } from '../http/device-approval';
import { refuseRevoked } from '../http/device-revocation';
import { HttpError } from '../http/http-error';
import { deviceSchema } from '../http/route-schemas';
import { checkClock, header, parseJson, rawBody, verifySignature } from '../http/signed-body';

export const deviceKeyRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const schema = deviceSchema(
    'Replace the device key: signed by the old key, with the new key’s proof; the old key is refused from then on',
    RotateKeyRequest,
    RotateKeyResponse,
  );
  app.post('/devices/rotate-key', { bodyLimit: 16 * 1024, schema }, async (req): Promise<RotateKeyResponse> => {
    const bytes = rawBody(req);
    const deviceId = header(req, DEVICE_HEADER);
    const device = deviceId && deviceId.length <= 64 ? await findDevice(ctx.db, deviceId) : undefined;
    if (!device) throw new HttpError(401, 'unknown_device', 'this device is not enrolled; enroll again');
    await verifySignature(await importPublicJwk(JSON.parse(device.public_key) as PublicJwk), req, bytes);
    const body = parseJson(bytes, RotateKeyRequest);
    if (body.deviceId !== device.id)
      throw new HttpError(401, 'device_mismatch', `the body's deviceId differs from ${DEVICE_HEADER}`);
    const now = ctx.now();
    checkClock(body.sentAt, now);

    let newKey: CryptoKey;
    try {
      newKey = await importPublicJwk(body.newPublicKey);
    } catch {
      throw new HttpError(400, 'invalid_public_key', 'newPublicKey is not a P-256 public key');
    }
    if (!(await verify(newKey, body.proof, rotateKeyProofText(device.id, body.nonce)))) {
      throw new HttpError(401, 'bad_proof', 'proof is not the new key’s signature over the rotation text');
    }
    const newDeviceId = await jwkThumbprint(body.newPublicKey);
    if (newDeviceId === device.id) throw new HttpError(400, 'same_key', 'the new key is the current key');

    const done = await findRotationFrom(ctx.db, device.id);
    if (done?.new_device_id === newDeviceId) return { deviceId: newDeviceId, previousDeviceId: device.id };
    if (done) refuseRevoked({ revoked_at: done.rotated_at });
    refuseRevoked(device);
    refuseUnapproved(device);
    if (await findDevice(ctx.db, newDeviceId))
      throw new HttpError(409, 'key_in_use', 'the new key is already enrolled');

    await ctx.db.transaction().execute(async (trx) => {
      // A rotation enrolls the new key: its nonce is claimed as an enrollment's.
      if (!(await claimNonce(trx, { id: body.nonce, kind: 'enroll', device_id: device.id, received_at: now }))) {
        throw new HttpError(409, 'replayed_nonce', 'this rotation request was already received');
      }
      await rotateDeviceKey(trx, {
        old: device,
        newDeviceId,
        newPublicKey: JSON.stringify(body.newPublicKey),
        now,
        ip: req.ip ?? null,
      });
    });
    req.log.info({ deviceId: device.id, newDeviceId }, 'device key rotated');
    return { deviceId: newDeviceId, previousDeviceId: device.id };
  });
};
