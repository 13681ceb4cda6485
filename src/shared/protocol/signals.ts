/**
 * Signals: what the extension observes and reports. None carries a raw cookie, token,
 * file name or message; sessions are named by a keyed hash (`sessionKey`) and files by
 * host and size only. Every signal has an id so the backend drops duplicates.
 */
import { z } from 'zod';
import { DeviceId, MAX_TIMESTAMP_MS, Timestamp } from './bounds';
import { ReasonCode } from './reason-codes';

export const SessionKey = z.string().regex(/^[0-9a-f]{64}$/, 'a 64-character hex HMAC');
/** The oldest signal a device keeps and sends (its outbox prunes older ones): 14 days offline. */
export const MAX_SIGNAL_AGE_MS = 14 * 86_400_000;
/** Bytes of one Slack file: 1 TiB is far beyond any Slack limit. */
const MAX_FILE_BYTES = 2 ** 40;
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
  hardwareConcurrency: z.number().int().nonnegative().max(4096).nullable(),
  deviceMemory: z.number().nonnegative().max(1_048_576).nullable(),
  languages: z.array(z.string().max(35)).max(20),
  timezone: z.string().max(64),
  screen: z
    .object({
      width: z.number().int().nonnegative().max(100_000),
      height: z.number().int().nonnegative().max(100_000),
      colorDepth: z.number().int().nonnegative().max(64),
      pixelRatio: z.number().nonnegative().max(100),
    })
    .nullable(),
  webgl: z.object({ vendor: z.string().max(128), renderer: z.string().max(256) }).nullable(),
});
export type ClientFingerprint = z.infer<typeof ClientFingerprint>;

export const SessionCookieSignal = z.object({
  ...base,
  type: z.literal('session_cookie'),
  change: z.enum(['present', 'appeared', 'changed', 'removed']),
  /** `d-s`: Unix seconds Slack ties to the session. */
  dsTimestamp: z
    .number()
    .int()
    .nonnegative()
    .max(MAX_TIMESTAMP_MS / 1000)
    .nullable()
    .optional(),
  /** The last sign-in navigation to Slack before this change, or null when none was seen. */
  lastSigninAt: Timestamp.nullable(),
  /**
   * Issue #13: the session vault is on, so Slack's own responses never reach the cookie
   * store: this `d` was found there, put there by something other than Slack.
   */
  outsideVault: z.literal(true).optional(),
  fingerprint: ClientFingerprint.optional(),
});

/**
 * A step of Slack's sign-in flow. `completed` is the one that counts (issue #10): Slack's
 * own answer in the flow set the `d` cookie (a Set-Cookie the browser received). The other
 * steps are navigations that merely started; they vouch for no session.
 */
export const SigninNavigationSignal = z.object({
  ...base,
  type: z.literal('signin_navigation'),
  step: z.enum(['signin', 'checkcookie', 'sso', 'magic_link', 'client', 'completed']),
});

export const DownloadSignal = z.object({
  ...base,
  type: z.literal('download'),
  source: z.enum(['downloads_api', 'web_request']),
  host: Host,
  bytes: z.number().int().nonnegative().max(MAX_FILE_BYTES),
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
  count: z.number().int().positive().max(1_000_000),
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
  observed: z
    .number()
    .int()
    .nonnegative()
    .max(2 ** 50),
  limit: z
    .number()
    .int()
    .positive()
    .max(2 ** 50),
  windowSeconds: z
    .number()
    .int()
    .positive()
    .max(30 * 86_400),
  executedAt: Timestamp,
  cookiesCleared: z.number().int().nonnegative().max(10_000),
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
  deviceId: DeviceId,
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
