/**
 * Signals: what the extension observes and reports. None carries a raw cookie, token,
 * file name or message; sessions are named by a keyed hash (`sessionKey`) and files by
 * host and size only. Every signal has an id so the backend drops duplicates.
 */
import { z } from 'zod';
import { ReasonCode } from './reason-codes';

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

/**
 * The client fingerprint: components, not a hash, so the backend can tolerate a browser
 * update or a new monitor and still notice another OS, CPU, GPU or locale. Nothing in it
 * identifies a person beyond the device itself.
 */
export const ClientFingerprint = z.object({
  userAgent: z.string().max(512),
  /** `Chromium 156.0.8078.73`-style brand versions (client hints, high entropy). */
  browserVersion: z.string().max(64).nullable(),
  platform: z.string().max(64),
  platformVersion: z.string().max(64).nullable(),
  architecture: z.string().max(32).nullable(),
  bitness: z.string().max(8).nullable(),
  model: z.string().max(64).nullable(),
  mobile: z.boolean().nullable(),
  hardwareConcurrency: z.number().int().nonnegative().nullable(),
  deviceMemory: z.number().nonnegative().nullable(),
  languages: z.array(z.string().max(35)).max(20),
  timezone: z.string().max(64),
  screen: z
    .object({ width: z.number().int(), height: z.number().int(), colorDepth: z.number().int(), pixelRatio: z.number() })
    .nullable(),
  webgl: z.object({ vendor: z.string().max(128), renderer: z.string().max(256) }).nullable(),
});
export type ClientFingerprint = z.infer<typeof ClientFingerprint>;

export const SessionCookieSignal = z.object({
  ...base,
  type: z.literal('session_cookie'),
  change: z.enum(['present', 'appeared', 'changed', 'removed']),
  /** `d-s`: Unix seconds Slack ties to the session. */
  dsTimestamp: z.number().int().nullable().optional(),
  /** The last sign-in navigation to Slack before this change, or null when none was seen. */
  lastSigninAt: Timestamp.nullable(),
  fingerprint: ClientFingerprint.optional(),
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
  fingerprint: ClientFingerprint.optional(),
});

/** The Slack workspace and user the page shows (read from its local config, never the token). */
export const SlackIdentitySignal = z.object({
  ...base,
  type: z.literal('slack_identity'),
  teamId: z.string().regex(/^[TE][A-Z0-9]{2,20}$/),
  userId: z.string().regex(/^[UW][A-Z0-9]{2,20}$/),
});

/** Slack web API calls per method, counted over a short window (webRequest on /api/*). */
export const ApiCallsSignal = z.object({
  ...base,
  type: z.literal('api_calls'),
  method: z.string().regex(/^[a-zA-Z][a-zA-Z0-9._]{0,79}$/),
  count: z.number().int().positive(),
  windowStart: Timestamp,
  windowMs: z.number().int().positive().max(3_600_000),
});

/**
 * A session the extension ended on its own, from a hard cap in managed policy, while the
 * backend was unreachable (issue #4). Reported once the backend is back; `verdictId` is
 * the device's own id for that local verdict.
 */
export const LocalVerdictSignal = z.object({
  ...base,
  type: z.literal('local_verdict'),
  verdictId: z.uuid(),
  reasons: z.array(ReasonCode).min(1),
  rule: z.enum(['localMaxFilesPerWindow', 'localMaxBytesPerWindow']),
  observed: z.number().int().nonnegative(),
  limit: z.number().int().positive(),
  windowSeconds: z.number().int().positive(),
  executedAt: Timestamp,
  cookiesCleared: z.number().int().nonnegative(),
});

export const Signal = z.discriminatedUnion('type', [
  SessionCookieSignal,
  SigninNavigationSignal,
  DownloadSignal,
  HeartbeatSignal,
  SlackIdentitySignal,
  ApiCallsSignal,
  LocalVerdictSignal,
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
