/**
 * Device key rotation (issue #4): a new non-extractable key replaces the old one after
 * `keyRotationDays`. The request is signed by the old key and carries the new key's
 * signature over `sg-rotate:<deviceId>:<nonce>`, so the backend links old to new only for
 * a device holding both. The new key pair is stored before the request goes out, so a
 * lost answer is retried with the same key (the backend answers a repeat idempotently).
 */
import { exportPublicJwk, generateDeviceKeyPair, sign } from '@/src/shared/crypto/signing';
import { RotateKeyResponse, rotateKeyProofText, type RotateKeyRequest } from '@/src/shared/protocol';
import type { ManagedPolicy } from '@/src/shared/policy/managed-policy';
import type { Enrolled } from './device-identity';
import type { LocalDb } from './local-db';
import { signedPost } from './signed-fetch';

const DAY_MS = 86_400_000;

export function rotationDue(identity: Enrolled, policy: ManagedPolicy, now: number): boolean {
  if (identity.pendingKeyPair) return true;
  if (!policy.keyRotationDays || identity.enrolledAt === undefined) return false;
  return now - identity.enrolledAt >= policy.keyRotationDays * DAY_MS;
}

export type RotationOutcome =
  { status: 'rotated'; identity: Enrolled } | { status: 'revoked' } | { status: 'failed'; error: string };

export async function rotateKey(db: LocalDb, identity: Enrolled, backendUrl: string): Promise<RotationOutcome> {
  const pending = identity.pendingKeyPair ?? (await generateDeviceKeyPair());
  if (!identity.pendingKeyPair) await db.put('identity', { ...identity, pendingKeyPair: pending });
  const nonce = crypto.randomUUID();
  const request: RotateKeyRequest = {
    deviceId: identity.deviceId,
    newPublicKey: await exportPublicJwk(pending.publicKey),
    sentAt: Date.now(),
    nonce,
    proof: await sign(pending.privateKey, rotateKeyProofText(identity.deviceId, nonce)),
  };
  let response: Response;
  try {
    response = await signedPost(
      backendUrl,
      '/v1/devices/rotate-key',
      request,
      identity.keyPair.privateKey,
      identity.deviceId,
    );
  } catch (error) {
    return { status: 'failed', error: `key rotation: backend unreachable: ${(error as Error).message}` };
  }
  if (response.status === 403) return { status: 'revoked' };
  if (!response.ok) return { status: 'failed', error: `key rotation refused: HTTP ${response.status}` };
  const body = RotateKeyResponse.parse(await response.json());
  const rotated: Enrolled = {
    id: 'device',
    keyPair: pending,
    deviceId: body.deviceId,
    sessionKeySecret: identity.sessionKeySecret,
    backendUrl: identity.backendUrl,
    enrolledAt: Date.now(),
    previousDeviceIds: [identity.deviceId, ...(identity.previousDeviceIds ?? [])].slice(0, 10),
  };
  await db.put('identity', rotated);
  return { status: 'rotated', identity: rotated };
}
