/**
 * Signed device requests (DESIGN.md, src/shared/protocol/device.ts). The body is kept as
 * the exact bytes received; the signature is checked over those bytes before anything
 * is parsed, then JSON, then the zod schema, then the clock and the device id.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { verifyNow } from '../auth/sync-signing';
import { DEVICE_HEADER, MAX_CLOCK_SKEW_MS, SIGNATURE_HEADER } from '../../shared/protocol/device';
import type { AppContext } from '../app-context';
import { findDevice, type DeviceRow } from '../db/devices';
import { devicePublicKey } from './device-key-cache';
import { refuseUnapproved } from './device-approval';
import { refuseRevoked } from './device-revocation';
import { HttpError, zodIssues } from './http-error';

/** Keeps JSON bodies as raw bytes in this plugin scope; handlers verify then parse. */
export function keepRawJsonBodies(app: FastifyInstance): void {
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser(['application/json', 'text/plain'], { parseAs: 'buffer' }, (_req, body, done) =>
    done(null, body),
  );
}

export function rawBody(req: FastifyRequest): Uint8Array<ArrayBuffer> {
  if (!Buffer.isBuffer(req.body)) throw new HttpError(400, 'missing_body', 'a JSON body is required');
  return new Uint8Array(req.body);
}

export function header(req: FastifyRequest, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

export function parseJson<T>(bytes: Uint8Array, schema: z.ZodType<T>): T {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new HttpError(400, 'malformed_json', 'the body is not valid JSON');
  }
  const result = schema.safeParse(json);
  if (!result.success)
    throw new HttpError(400, 'invalid_body', 'the body does not match the schema', zodIssues(result.error));
  return result.data;
}

export async function verifySignature(publicKey: CryptoKey, req: FastifyRequest, bytes: Uint8Array<ArrayBuffer>) {
  const signature = header(req, SIGNATURE_HEADER);
  if (!signature) throw new HttpError(401, 'missing_signature', `the ${SIGNATURE_HEADER} header is required`);
  if (!verifyNow(publicKey, signature, bytes)) {
    throw new HttpError(401, 'bad_signature', 'the signature does not match the body and the device key');
  }
}

export function checkClock(sentAt: number, now: number): void {
  if (Math.abs(now - sentAt) > MAX_CLOCK_SKEW_MS) {
    throw new HttpError(
      401,
      'stale_request',
      `sentAt is more than ${MAX_CLOCK_SKEW_MS / 1000} s from the server clock`,
      undefined,
      // The device corrects its clock from this and signs again (src/extension/server-clock.ts).
      { serverTime: now },
    );
  }
}

export interface VerifiedRequest<T> {
  device: DeviceRow;
  body: T;
}

/** The whole check for a request from an enrolled device. Nothing is stored here. */
export async function verifyDeviceRequest<T extends { deviceId: string; sentAt: number }>(
  ctx: AppContext,
  req: FastifyRequest,
  schema: z.ZodType<T>,
): Promise<VerifiedRequest<T>> {
  const bytes = rawBody(req);
  const deviceId = header(req, DEVICE_HEADER);
  if (!deviceId || deviceId.length > 64)
    throw new HttpError(401, 'missing_device', `the ${DEVICE_HEADER} header is required`);
  const device = await findDevice(ctx.db, deviceId);
  if (!device) throw new HttpError(401, 'unknown_device', 'this device is not enrolled; enroll again');
  const publicKey = await devicePublicKey(device.public_key);
  await verifySignature(publicKey, req, bytes);
  refuseRevoked(device);
  refuseUnapproved(device);
  const body = parseJson(bytes, schema);
  if (body.deviceId !== device.id)
    throw new HttpError(401, 'device_mismatch', `the body's deviceId differs from ${DEVICE_HEADER}`);
  checkClock(body.sentAt, ctx.now());
  return { device, body };
}
