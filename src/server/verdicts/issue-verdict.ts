/**
 * Making a verdict: build the payload, check it against the wire schema, sign the exact
 * JSON text with the backend's current key, whose id (`kid`) the payload names. The
 * extension verifies that text before parsing it.
 */
import { randomUUID } from 'node:crypto';
import { signNow } from '../auth/sync-signing';
import type { ReasonCode } from '../../shared/protocol/reason-codes';
import { VerdictPayload, type SignedVerdict } from '../../shared/protocol/verdict';
import type { SigningKey } from './verdict-key-ring';

/** How long a verdict stays executable; a device offline longer than this never sees it. */
export const VERDICT_TTL_MS = 10 * 60_000;

export interface VerdictInput {
  /** Our codes, or Slack's own anomaly reasons (issue #14): the wire takes any snake_case word. */
  reasons: (ReasonCode | (string & {}))[];
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

export async function issueVerdict(key: SigningKey, input: VerdictInput): Promise<IssuedVerdict> {
  const payloadObject = VerdictPayload.parse({
    v: 1,
    id: input.id ?? randomUUID(),
    action: 'terminate',
    reasons: input.reasons,
    target: { deviceId: input.deviceId, sessionKey: input.sessionKey, userId: input.userId },
    issuedAt: input.issuedAt,
    expiresAt: input.issuedAt + VERDICT_TTL_MS,
    policyVersion: input.policyVersion,
    kid: key.kid,
  });
  const payload = JSON.stringify(payloadObject);
  return { payload, signature: signNow(key.privateKey, payload), payloadObject };
}
