/**
 * Verdicts: the backend's signed order to end a Slack session, and the device's
 * acknowledgement. The signature covers the exact `payload` text, so the extension
 * verifies before it parses anything.
 */
import { z } from 'zod';
import { DeviceId, Timestamp } from './bounds';
import { WireReasonCode } from './reason-codes';
import { SessionKey } from './signals';

export const VerdictPayload = z.object({
  v: z.literal(1),
  id: z.uuid(),
  action: z.literal('terminate'),
  /** Known or not: the extension executes the verdict either way (WireReasonCode). */
  reasons: z.array(WireReasonCode).min(1).max(32),
  target: z.object({
    deviceId: z.string(),
    sessionKey: SessionKey.nullable(),
    userId: z.string().nullable(),
  }),
  issuedAt: z.number().int(),
  expiresAt: z.number().int(),
  policyVersion: z.number().int(),
  /**
   * Which backend key signed it (RFC 7638 thumbprint of the public key, docs/adr/0003):
   * inside the signed text, so it cannot be swapped. Absent on verdicts from before keys
   * had ids; the extension tries every key in its managed policy either way.
   */
  kid: z.string().max(64).optional(),
});
export type VerdictPayload = z.infer<typeof VerdictPayload>;

export const SignedVerdict = z.object({
  payload: z.string().max(8192),
  signature: z.string().max(128),
});
export type SignedVerdict = z.infer<typeof SignedVerdict>;

export const PollResponse = z.object({ verdicts: z.array(SignedVerdict) });
export type PollResponse = z.infer<typeof PollResponse>;

/** Device clock, epoch ms: only differences of these are meaningful to the backend. */
export const AckTimings = z.object({
  receivedAt: Timestamp,
  verifiedAt: Timestamp,
  clearedAt: Timestamp,
  ackSentAt: Timestamp,
});
export type AckTimings = z.infer<typeof AckTimings>;

/** POST /v1/acks — signed. */
export const VerdictAck = z.object({
  deviceId: DeviceId,
  verdictId: z.uuid(),
  nonce: z.uuid(),
  sentAt: Timestamp,
  outcome: z.enum(['executed', 'already_executed', 'rejected']),
  detail: z.string().max(200).optional(),
  via: z.enum(['websocket', 'poll']),
  cookiesCleared: z.number().int().nonnegative().max(10_000),
  timings: AckTimings,
});
export type VerdictAck = z.infer<typeof VerdictAck>;

/** WebSocket /v1/stream messages. */
export const ServerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('challenge'), challenge: z.string() }),
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('verdict'), verdict: SignedVerdict }),
  z.object({ type: z.literal('pong') }),
  z.object({ type: z.literal('error'), message: z.string() }),
]);
export type ServerMessage = z.infer<typeof ServerMessage>;

export const ClientMessage = z.discriminatedUnion('type', [
  /** signature over `sg-stream:<challenge>` */
  z.object({ type: z.literal('auth'), deviceId: z.string(), signature: z.string() }),
  z.object({ type: z.literal('ping') }),
]);
export type ClientMessage = z.infer<typeof ClientMessage>;

export const streamAuthText = (challenge: string) => `sg-stream:${challenge}`;
