/**
 * The device identity: a non-extractable ECDSA P-256 key made once and kept in IndexedDB,
 * enrolled with the backend through the enrollment token from managed policy. The backend
 * derives the device id from the public key, so a device cannot claim another's id.
 */
import { exportPublicJwk, generateDeviceKeyPair, sign } from '@/src/shared/crypto/signing';
import { EnrollResponse, type EnrollRequest } from '@/src/shared/protocol';
import type { ManagedPolicy } from '@/src/shared/policy/managed-policy';
import { PendingApprovalError, readRefusal, RetryLaterError } from './enrollment-refusal';
import type { Identity, LocalDb } from './local-db';
import { signedPost } from './signed-fetch';

export async function loadOrCreateIdentity(db: LocalDb): Promise<Identity> {
  const existing = await db.get('identity', 'device');
  if (existing) return existing;
  const identity: Identity = { id: 'device', keyPair: await generateDeviceKeyPair() };
  // `add` fails if another context created it first; then theirs wins.
  try {
    await db.add('identity', identity);
    return identity;
  } catch {
    return (await db.get('identity', 'device'))!;
  }
}

/** The backend refuses this key for good: revoked by an admin, or rotated away. */
export class RevokedError extends Error {
  constructor(readonly rejected = false) {
    super(
      rejected
        ? 'your administrator declined this browser'
        : 'this browser’s device key was revoked by your security team',
    );
  }
}

export type Enrolled = Identity & { deviceId: string; sessionKeySecret: string };

export function isEnrolledWith(identity: Identity, policy: ManagedPolicy): identity is Enrolled {
  return Boolean(identity.deviceId && identity.sessionKeySecret && identity.backendUrl === policy.backendUrl);
}

export async function enroll(
  db: LocalDb,
  identity: Identity,
  policy: ManagedPolicy,
  extensionVersion: string,
): Promise<Enrolled> {
  const request: EnrollRequest = {
    enrollmentToken: policy.enrollmentToken,
    publicKey: await exportPublicJwk(identity.keyPair.publicKey),
    sentAt: Date.now(),
    nonce: crypto.randomUUID(),
    extensionVersion,
    userAgent: navigator.userAgent.slice(0, 512),
  };
  const response = await signedPost(policy.backendUrl, '/v1/enroll', request, identity.keyPair.privateKey, null);
  const refusal = await readRefusal(response);
  if (refusal?.kind === 'pending') throw new PendingApprovalError();
  if (refusal?.kind === 'stop') throw new RevokedError(refusal.rejected);
  if (refusal?.kind === 'later') throw new RetryLaterError(refusal.ms);
  if (!response.ok) throw new Error(`enrollment refused: HTTP ${response.status} ${await safeText(response)}`);
  const body = EnrollResponse.parse(await response.json());
  const enrolled: Enrolled = {
    ...identity,
    deviceId: body.deviceId,
    sessionKeySecret: body.sessionKeySecret,
    backendUrl: policy.backendUrl,
    enrolledAt: Date.now(),
  };
  await db.put('identity', enrolled);
  return enrolled;
}

export async function signText(identity: Identity, text: string): Promise<string> {
  return sign(identity.keyPair.privateKey, text);
}

async function safeText(response: Response): Promise<string> {
  try {
    return (await response.text()).slice(0, 200);
  } catch {
    return '';
  }
}
