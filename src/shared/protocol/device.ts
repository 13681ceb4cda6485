/**
 * Enrollment and the signed-request envelope. A device proves possession of its key on
 * every request: the exact body bytes are signed, `x-sg-device` names the device and
 * `x-sg-signature` carries the signature. `sentAt` bounds replays in time and ids
 * (batchId, nonce) make every signed body single-use.
 */
import { z } from 'zod';
import { DeviceId, Timestamp } from './bounds';

export const SIGNATURE_HEADER = 'x-sg-signature';
export const DEVICE_HEADER = 'x-sg-device';
/** How far a signed body's `sentAt` may be from the server clock. */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

export const PublicJwk = z.object({
  kty: z.literal('EC'),
  crv: z.literal('P-256'),
  x: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  y: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
});

/** POST /v1/enroll — signed with the key it enrolls (proof of possession). */
export const EnrollRequest = z.object({
  enrollmentToken: z.string().min(16).max(256),
  publicKey: PublicJwk,
  sentAt: Timestamp,
  nonce: z.uuid(),
  extensionVersion: z.string().max(32),
  userAgent: z.string().max(512).optional(),
});
export type EnrollRequest = z.infer<typeof EnrollRequest>;

export const EnrollResponse = z.object({
  deviceId: z.string(),
  /** Org-wide HMAC key for naming sessions; the same session hashes alike on every device. */
  sessionKeySecret: z.string(),
  pollIntervalSeconds: z.number().int().positive(),
});
export type EnrollResponse = z.infer<typeof EnrollResponse>;

/** POST /v1/verdicts/poll — signed. */
export const PollRequest = z.object({
  deviceId: DeviceId,
  sentAt: Timestamp,
  nonce: z.uuid(),
});
export type PollRequest = z.infer<typeof PollRequest>;

/**
 * POST /v1/devices/rotate-key — signed by the current key (`x-sg-device` names it);
 * `proof` is the new key's signature over `rotateKeyProofText(deviceId, nonce)`, so the
 * backend links old to new only for a device that holds both (issue #4).
 */
export const RotateKeyRequest = z.object({
  deviceId: DeviceId,
  newPublicKey: PublicJwk,
  sentAt: Timestamp,
  nonce: z.uuid(),
  proof: z.string().max(128),
});
export type RotateKeyRequest = z.infer<typeof RotateKeyRequest>;

export const RotateKeyResponse = z.object({ deviceId: z.string(), previousDeviceId: z.string() });
export type RotateKeyResponse = z.infer<typeof RotateKeyResponse>;

export const rotateKeyProofText = (deviceId: string, nonce: string) => `sg-rotate:${deviceId}:${nonce}`;

/** The status and error code a revoked (or rotated-away) device key receives. */
export const DEVICE_REVOKED = { status: 403, code: 'device_revoked' } as const;
