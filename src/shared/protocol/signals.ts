/**
 * Signals: what the extension observes and reports. None carries a raw cookie, token,
 * file name or message; sessions are named by a keyed hash (`sessionKey`) and files by
 * host and size only. Every signal has an id so the backend drops duplicates.
 */
import { z } from 'zod';

export const SessionKey = z.string().regex(/^[0-9a-f]{64}$/, 'a 64-character hex HMAC');
const Timestamp = z.number().int().nonnegative();
const Host = z
  .string()
  .max(253)
  .regex(/^[a-z0-9.-]+$/, 'a host name');

const base = {
  id: z.uuid(),
  /** Device clock, epoch milliseconds. */
  at: Timestamp,
  /** The Slack session current when the signal was made, if any. */
  sessionKey: SessionKey.nullable().optional(),
};

export const SessionCookieSignal = z.object({
  ...base,
  type: z.literal('session_cookie'),
  change: z.enum(['present', 'appeared', 'changed', 'removed']),
  /** `d-s`: Unix seconds Slack ties to the session. */
  dsTimestamp: z.number().int().nullable().optional(),
  /** The last sign-in navigation to Slack before this change, or null when none was seen. */
  lastSigninAt: Timestamp.nullable(),
});

export const SigninNavigationSignal = z.object({
  ...base,
  type: z.literal('signin_navigation'),
  step: z.enum(['signin', 'checkcookie', 'sso', 'magic_link', 'client']),
});

export const DownloadSignal = z.object({
  ...base,
  type: z.literal('download'),
  source: z.enum(['downloads_api', 'web_request']),
  host: Host,
  bytes: z.number().int().nonnegative(),
});

export const HeartbeatSignal = z.object({
  ...base,
  type: z.literal('heartbeat'),
});

export const Signal = z.discriminatedUnion('type', [
  SessionCookieSignal,
  SigninNavigationSignal,
  DownloadSignal,
  HeartbeatSignal,
]);
export type Signal = z.infer<typeof Signal>;
export type SignalType = Signal['type'];
export type SignalOf<T extends SignalType> = Extract<Signal, { type: T }>;

export const MAX_SIGNALS_PER_BATCH = 500;

/** POST /v1/signals — the body bytes are signed (header `x-sg-signature`). */
export const SignalBatch = z.object({
  deviceId: z.string().min(16).max(64),
  batchId: z.uuid(),
  sentAt: Timestamp,
  extensionVersion: z.string().max(32).optional(),
  signals: z.array(Signal).min(1).max(MAX_SIGNALS_PER_BATCH),
});
export type SignalBatch = z.infer<typeof SignalBatch>;

export const SignalBatchResult = z.object({
  accepted: z.number().int(),
  duplicates: z.number().int(),
});
export type SignalBatchResult = z.infer<typeof SignalBatchResult>;
