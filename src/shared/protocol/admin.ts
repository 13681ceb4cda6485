/**
 * The admin API's wire format (/api, issue #5): query filters the routes parse with and
 * the shapes they answer with. The OpenAPI document at /openapi.json is generated from
 * these same schemas (src/server/openapi.ts), so the description cannot drift.
 */
import { z } from 'zod';
import { ReasonCode } from './reason-codes';
import { AckTimings } from './verdict';
import { StoredAnswer } from './verdict-answer';

/** An instant in a query: epoch milliseconds, or an ISO date (a time without zone is UTC). */
export const TimeParam = z
  .string()
  .max(40)
  .transform((text, ctx) => {
    const ms = /^\d{1,15}$/.test(text)
      ? Number(text)
      : Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text}Z`);
    if (!Number.isFinite(ms)) {
      ctx.addIssue({ code: 'custom', message: 'a time: epoch milliseconds or an ISO date such as 2025-09-01T08:00' });
      return z.NEVER;
    }
    return ms;
  });

const Limit = (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback);
/** Slack user ids (U…/W…) and other plain ids; no SQL wildcard can get through. */
const UserParam = z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'a user id such as U0123ABCD');
/** A device id or the start of one (base64url thumbprint). */
const DeviceParam = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a device id or its first characters');

export const VerdictFilter = z.object({
  reason: ReasonCode.optional(),
  user: UserParam.optional(),
  device: DeviceParam.optional(),
  from: TimeParam.optional(),
  to: TimeParam.optional(),
  limit: Limit(1000, 100),
});
export type VerdictFilter = z.infer<typeof VerdictFilter>;

export const FindingFilter = VerdictFilter.extend({
  mode: z.enum(['monitor', 'enforce']).optional(),
  outcome: z.enum(['verdict_issued', 'would_terminate', 'alert', 'excluded', 'cooldown']).optional(),
});
export type FindingFilter = z.infer<typeof FindingFilter>;

export const ExportFilter = FindingFilter.extend({ limit: Limit(10_000, 1000) });
export type ExportFilter = z.infer<typeof ExportFilter>;

export const AckView = z.object({
  outcome: z.string(),
  detail: z.string().nullable(),
  via: z.string(),
  cookiesCleared: z.number(),
  receivedAt: z.number(),
  timings: AckTimings,
  latencyMs: z.number().nullable(),
  /** Issue #12: confirmed | failed | skipped, with the method, Slack's code or the reason; null from older extensions. */
  slackSignout: z.object({ status: z.string(), detail: z.string().nullable() }).nullable().optional(),
});

export const VerdictView = z.object({
  id: z.string(),
  deviceId: z.string(),
  userId: z.string().nullable(),
  sessionKey: z.string().nullable(),
  reasons: z.array(z.string()),
  action: z.literal('terminate'),
  issuedAt: z.number(),
  expiresAt: z.number(),
  policyVersion: z.number(),
  findingId: z.string(),
  detectedAt: z.number().nullable(),
  ack: AckView.nullable(),
  /** Issue #14: the user's "this was me" answer, sent by the targeted device; null while unanswered. */
  answer: StoredAnswer.nullable().optional(),
});
export type VerdictView = z.infer<typeof VerdictView>;

export const FindingView = z.object({
  id: z.string(),
  detector: z.string(),
  reason: z.string(),
  severity: z.string(),
  subject: z.string(),
  deviceId: z.string(),
  sessionKey: z.string().nullable(),
  signalId: z.string(),
  policyVersion: z.number(),
  mode: z.string(),
  action: z.string(),
  outcome: z.string(),
  verdictId: z.string().nullable(),
  summary: z.string(),
  evidence: z.unknown(),
  eventAt: z.number(),
  detectedAt: z.number(),
});
export type FindingView = z.infer<typeof FindingView>;

export const FingerprintSummary = z.object({
  at: z.number(),
  browser: z.string().nullable(),
  platform: z.string(),
  architecture: z.string().nullable(),
  timezone: z.string(),
  languages: z.array(z.string()),
  screen: z.string().nullable(),
  gpu: z.string().nullable(),
});
export type FingerprintSummary = z.infer<typeof FingerprintSummary>;

export const DeviceView = z.object({
  id: z.string(),
  userId: z.string().nullable(),
  extensionVersion: z.string(),
  userAgent: z.string().nullable(),
  enrolledAt: z.number(),
  lastSeenAt: z.number(),
  lastIp: z.string().nullable(),
  signalCount: z.number(),
  revokedAt: z.number().nullable(),
  revokedBy: z.string().nullable(),
  fingerprint: FingerprintSummary.nullable(),
  /** Approval mode (issue #10): pending devices wait for an admin; rejected ones are refused. */
  approval: z.enum(['approved', 'pending', 'rejected']).default('approved'),
  approvalBy: z.string().nullable().default(null),
  /**
   * Issue #10: 'verified' when Slack vouched for the user the page shows (Sign in with
   * Slack), 'claimed' when the user is only what the device says; null without a user.
   */
  identity: z.enum(['verified', 'claimed']).nullable(),
  verifiedUserId: z.string().nullable(),
  verifiedTeamId: z.string().nullable(),
  verifiedEmail: z.string().nullable(),
  verifiedAt: z.number().nullable(),
});
export type DeviceView = z.infer<typeof DeviceView>;

export const SessionView = z.object({
  sessionKey: z.string(),
  firstAt: z.number(),
  lastAt: z.number(),
  signals: z.number(),
});
export type SessionView = z.infer<typeof SessionView>;

export const SignalView = z.object({
  id: z.string(),
  type: z.string(),
  at: z.number(),
  receivedAt: z.number(),
  sourceIp: z.string().nullable(),
  sessionKey: z.string().nullable(),
  data: z.unknown(),
});
export type SignalView = z.infer<typeof SignalView>;

export const PolicyVersionView = z.object({
  version: z.number(),
  policy: z.record(z.string(), z.unknown()),
  createdAt: z.number(),
  createdBy: z.string(),
  /** Dotted paths that differ from the previous version. */
  changes: z.array(z.string()),
});
export type PolicyVersionView = z.infer<typeof PolicyVersionView>;

export const DiffLine = z.object({ op: z.enum(['same', 'add', 'remove']), text: z.string() });
export type DiffLine = z.infer<typeof DiffLine>;

/** One version with its line diff against the version before it (null for the first). */
export const PolicyVersionDetail = PolicyVersionView.extend({ diff: z.array(DiffLine).nullable() });
export type PolicyVersionDetail = z.infer<typeof PolicyVersionDetail>;

export const PolicyPreviewRequest = z.object({ document: z.string().max(64 * 1024) });
export const PolicyPreview = z.object({
  valid: z.boolean(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })),
  currentVersion: z.number(),
  changes: z.array(z.string()),
  diff: z.array(DiffLine),
});
export type PolicyPreview = z.infer<typeof PolicyPreview>;

export const DetectorInfo = z.object({
  title: z.string(),
  severity: z.string(),
  attack: z.array(z.string()),
  runbook: z.string(),
});

export const VerdictDetail = z.object({
  verdict: VerdictView,
  finding: FindingView.nullable(),
  detector: DetectorInfo.nullable(),
  device: DeviceView.nullable(),
  policy: PolicyVersionView.nullable(),
  signals: z.array(SignalView),
  signed: z.object({ payload: z.string(), signature: z.string() }),
});
export type VerdictDetail = z.infer<typeof VerdictDetail>;

/** `admin` may change anything; `read` (a SIEM's) may read and export only (issue #10). */
export const TOKEN_SCOPES = ['admin', 'read'] as const;
export const TokenScope = z.enum(TOKEN_SCOPES);
export type TokenScope = z.infer<typeof TokenScope>;

export const TokenView = z.object({
  id: z.string(),
  label: z.string(),
  scope: TokenScope,
  createdAt: z.number(),
  lastUsedAt: z.number().nullable(),
  revokedAt: z.number().nullable(),
});
export type TokenView = z.infer<typeof TokenView>;
export const TokenCreateRequest = z.object({
  label: z.string().trim().min(1).max(64),
  scope: TokenScope.default('admin'),
});

/** `verdict.answered` (issue #14): a user's "this was me" answer to the verdict that ended their session. */
export const WEBHOOK_EVENTS = ['verdict.issued', 'finding.recorded', 'verdict.answered'] as const;
export const WebhookEvent = z.enum(WEBHOOK_EVENTS);
export type WebhookEvent = z.infer<typeof WebhookEvent>;

export const WebhookCreateRequest = z.object({
  url: z.url({ protocol: /^https?$/ }).max(2048),
  description: z.string().max(200).default(''),
  events: z.array(WebhookEvent).min(1).default(['verdict.issued']),
  /** `whsec_` + base64 of 24–64 random bytes; generated when absent. */
  secret: z
    .string()
    .regex(/^whsec_[A-Za-z0-9+/]{32,88}={0,2}$/, 'whsec_ followed by base64 of 24 to 64 bytes')
    .optional(),
});
export type WebhookCreateRequest = z.input<typeof WebhookCreateRequest>;

export const WebhookView = z.object({
  id: z.string(),
  url: z.string(),
  description: z.string(),
  events: z.array(z.string()),
  enabled: z.boolean(),
  disabledReason: z.string().nullable(),
  createdAt: z.number(),
  createdBy: z.string(),
  /** The first characters only; the whole secret is shown once, at creation. */
  secretHint: z.string(),
});
export type WebhookView = z.infer<typeof WebhookView>;

export const DeliveryView = z.object({
  id: z.string(),
  webhookId: z.string(),
  eventId: z.string(),
  eventType: z.string(),
  status: z.string(),
  attempts: z.number(),
  nextAttemptAt: z.number(),
  lastStatus: z.number().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.number(),
  deliveredAt: z.number().nullable(),
});
export type DeliveryView = z.infer<typeof DeliveryView>;

/** Every admin action the audit log names (src/server/audit/audit-log.ts writes them). */
export const AUDIT_ACTIONS = [
  'auth.sign_in',
  'auth.sign_in_failed',
  'auth.sign_out',
  'policy.update',
  'device.revoke',
  'device.approve',
  'device.reject',
  'enrollment.rotate',
  'token.create',
  'token.revoke',
  'webhook.create',
  'webhook.delete',
  'webhook.test',
  'export.download',
  'slack.connect',
  'slack.test',
  'slack.disconnect',
  'dashboard.notice.dismiss',
  'ssf.receiver_add',
  'ssf.receiver_remove',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AuditFilter = z.object({
  action: z.string().max(64).optional(),
  actor: z.string().max(128).optional(),
  limit: Limit(1000, 200),
});
export type AuditFilter = z.infer<typeof AuditFilter>;
export const AuditEntryView = z.object({
  id: z.string(),
  at: z.number(),
  actor: z.string(),
  action: z.string(),
  target: z.string().nullable(),
  ip: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});
export type AuditEntryView = z.infer<typeof AuditEntryView>;

export const OverviewView = z.object({
  verdictsByHour: z.array(z.object({ start: z.number(), count: z.number() })),
  latency: z.object({
    buckets: z.array(z.object({ le: z.number().nullable(), count: z.number() })),
    count: z.number(),
    p50: z.number().nullable(),
    p95: z.number().nullable(),
  }),
  devices: z.object({ enrolled: z.number(), reporting: z.number(), revoked: z.number(), liveStreams: z.number() }),
  torList: z.object({
    configured: z.boolean(),
    source: z.string().nullable(),
    ageMs: z.number().nullable(),
    entries: z.number().nullable(),
    stale: z.boolean(),
  }),
  /** Issue #14: the IP-to-ASN data set of the asn detector (absent from older servers). */
  asnData: z
    .object({
      configured: z.boolean(),
      status: z.string(),
      source: z.string().nullable(),
      ageMs: z.number().nullable(),
      entries: z.number(),
      asns: z.number(),
      stale: z.boolean(),
      error: z.string().nullable(),
    })
    .optional(),
  policy: z.object({ version: z.number(), mode: z.string(), createdAt: z.number(), createdBy: z.string() }),
  /** Issue #12: executed verdicts of the last 7 days whose session Slack was not seen to refuse. */
  slackSignoutUnconfirmed: z.number(),
  /** Issue #17: stored signal batches whose detection failed for good, and those waiting to run again. */
  detectionJobs: z.object({ failed: z.number(), pending: z.number() }),
});
export type OverviewView = z.infer<typeof OverviewView>;
