/**
 * Verdicts: the backend's signed order to end a Slack session, and the device's
 * acknowledgement. The signature covers the exact `payload` text, so the extension
 * verifies before it parses anything.
 */
import { z } from 'zod';
import { DeviceId, Timestamp } from './bounds';
import { SignedDeviceSettings } from './device-settings';
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

/** `settings` (issue #12): the signed device settings in force; absent from older backends. */
export const PollResponse = z.object({ verdicts: z.array(SignedVerdict), settings: SignedDeviceSettings.optional() });
export type PollResponse = z.infer<typeof PollResponse>;

/** Device clock, epoch ms: only differences of these are meaningful to the backend. */
export const AckTimings = z.object({
  receivedAt: Timestamp,
  verifiedAt: Timestamp,
  /**
   * The `d` session cookie gone from every cookie store and the vault: the session ended on
   * this device (issue #16's latency ends here). Absent from older extensions.
   */
  sessionEndedAt: Timestamp.optional(),
  /** Every Slack cookie gone. */
  clearedAt: Timestamp,
  ackSentAt: Timestamp,
});
export type AckTimings = z.infer<typeof AckTimings>;

/**
 * What ending the session at Slack itself came to (issue #12, docs/slack-session.md):
 * `confirmed` once Slack refused the old `d`, `failed` with Slack's error code (or
 * `timeout`, `network`), `skipped` with why. Carries codes only, never a credential.
 */
export const SlackSignout = z.discriminatedUnion('status', [
  z.object({ status: z.literal('confirmed'), method: z.enum(['auth.revoke', 'signout']) }),
  z.object({
    status: z.literal('failed'),
    method: z.enum(['auth.revoke', 'signout']).optional(),
    code: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'one of Slack’s error codes (lower case, underscores)'),
  }),
  z.object({ status: z.literal('skipped'), reason: z.enum(['policy_off', 'no_session_cookie', 'no_method']) }),
]);
export type SlackSignout = z.infer<typeof SlackSignout>;

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
  /** Absent from extensions older than issue #12; they stay accepted. */
  slackSignout: SlackSignout.optional(),
});
export type VerdictAck = z.infer<typeof VerdictAck>;

/** WebSocket /v1/stream messages. */
export const ServerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('challenge'), challenge: z.string() }),
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('verdict'), verdict: SignedVerdict }),
  /** Issue #12: after `ready`, and again whenever the org policy changes. */
  z.object({ type: z.literal('settings'), settings: SignedDeviceSettings }),
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
