/**
 * Making a verdict: build the payload, check it against the wire schema, sign the exact
 * JSON text with the backend key. The extension verifies that text before parsing it.
 */
import { randomUUID } from 'node:crypto';
import { sign } from '../../shared/crypto/signing';
import type { ReasonCode } from '../../shared/protocol/reason-codes';
import { VerdictPayload, type SignedVerdict } from '../../shared/protocol/verdict';

/** How long a verdict stays executable; a device offline longer than this never sees it. */
export const VERDICT_TTL_MS = 10 * 60_000;

export interface VerdictInput {
  reasons: ReasonCode[];
  deviceId: string;
  sessionKey: string | null;
  userId: string | null;
  issuedAt: number;
  policyVersion: number;
  id?: string;
}

export interface IssuedVerdict extends SignedVerdict {
  payloadObject: VerdictPayload;
}

export async function issueVerdict(privateKey: CryptoKey, input: VerdictInput): Promise<IssuedVerdict> {
  const payloadObject = VerdictPayload.parse({
    v: 1,
    id: input.id ?? randomUUID(),
    action: 'terminate',
    reasons: input.reasons,
    target: { deviceId: input.deviceId, sessionKey: input.sessionKey, userId: input.userId },
    issuedAt: input.issuedAt,
    expiresAt: input.issuedAt + VERDICT_TTL_MS,
    policyVersion: input.policyVersion,
  });
  const payload = JSON.stringify(payloadObject);
  return { payload, signature: await sign(privateKey, payload), payloadObject };
}
