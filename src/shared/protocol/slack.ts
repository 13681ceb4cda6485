/**
 * The admin API's view of the Slack connection (issue #7): whether it works, what it last
 * did, and each verdict's server-side half. Never a token: the connection is described by
 * the team it reaches, its scopes and the last test call.
 */
import { z } from 'zod';

export const SlackConnectRequest = z.object({
  /** An Enterprise Grid org owner's user token with admin.users:write and auditlogs:read. */
  token: z
    .string()
    .trim()
    .min(10)
    .max(512)
    .regex(/^xox[a-z]-[A-Za-z0-9-]+$/, 'a Slack token (xoxp-…)'),
});
export type SlackConnectRequest = z.infer<typeof SlackConnectRequest>;

export const SlackTestView = z.object({ at: z.number(), ok: z.boolean(), error: z.string().nullable() });

export const SlackConnectionView = z.object({
  connected: z.boolean(),
  teamId: z.string().nullable(),
  team: z.string().nullable(),
  enterpriseId: z.string().nullable(),
  userId: z.string().nullable(),
  scopes: z.array(z.string()),
  /** Of admin.users:write and auditlogs:read, those Slack did not list (empty when it lists none). */
  missingScopes: z.array(z.string()),
  connectedAt: z.number().nullable(),
  connectedBy: z.string().nullable(),
  /** Public id of the key that sealed the token, and whether this backend holds it. */
  keyId: z.string().nullable(),
  keyMatches: z.boolean().nullable(),
  lastTest: SlackTestView.nullable(),
});
export type SlackConnectionView = z.infer<typeof SlackConnectionView>;

export const SlackRevocationView = z.object({
  verdictId: z.string(),
  deviceId: z.string(),
  userId: z.string().nullable(),
  mode: z.string(),
  status: z.string(),
  attempts: z.number(),
  nextAttemptAt: z.number(),
  lastError: z.string().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type SlackRevocationView = z.infer<typeof SlackRevocationView>;

export const SlackTimelineEvent = z.object({
  at: z.number(),
  kind: z.string(),
  detail: z.record(z.string(), z.unknown()),
});
export type SlackTimelineEvent = z.infer<typeof SlackTimelineEvent>;

/** GET /api/verdicts/:id/server-side: what Slack was asked to do about a verdict, step by step. */
export const ServerSideView = z.object({
  verdictId: z.string(),
  revocation: SlackRevocationView.nullable(),
  timeline: z.array(SlackTimelineEvent),
});
export type ServerSideView = z.infer<typeof ServerSideView>;

export const SlackAuditLogView = z.object({
  /** Unix seconds: every entry created before it has been fetched. */
  watermark: z.number().nullable(),
  windowOldest: z.number().nullable(),
  windowLatest: z.number().nullable(),
  lastPollAt: z.number().nullable(),
  lastError: z.string().nullable(),
  pausedUntil: z.number().nullable(),
  leaseOwner: z.string().nullable(),
  entriesSeen: z.number(),
  pendingEntries: z.number(),
});

export const SlackAllowListView = z.object({
  enabled: z.boolean(),
  lastSyncAt: z.number().nullable(),
  lastError: z.string().nullable(),
  /** The CIDRs Session Guard added to Slack's list (and would remove when the policy drops them). */
  pushed: z.array(z.string()),
  skipped: z.array(z.string()),
});

/** The access-log connector's position (issue #12): `team.accessLogs`, for tokens without auditlogs:read. */
export const SlackAccessLogView = z.object({
  /** Unix seconds: every login whose date_last is before it has been fetched. */
  watermark: z.number().nullable(),
  /** The scan in progress: where it started and the `before` of its next request. */
  scanTop: z.number().nullable(),
  scanBefore: z.number().nullable(),
  lastPollAt: z.number().nullable(),
  lastError: z.string().nullable(),
  pausedUntil: z.number().nullable(),
  leaseOwner: z.string().nullable(),
  entriesSeen: z.number(),
  pendingEntries: z.number(),
});

/** Which feed the off-device correlation reads, and why (issue #12). */
export const SlackFeedView = z.object({
  source: z.enum(['audit_logs', 'access_logs', 'none']),
  why: z.string(),
});

export const SlackStatusView = z.object({
  connection: SlackConnectionView,
  endpoints: z.object({ apiUrl: z.string(), auditUrl: z.string() }),
  revocations: z.object({
    counts: z.record(z.string(), z.number()),
    last: SlackRevocationView.nullable(),
  }),
  auditLog: SlackAuditLogView,
  feed: SlackFeedView,
  accessLog: SlackAccessLogView,
  allowList: SlackAllowListView,
});
export type SlackStatusView = z.infer<typeof SlackStatusView>;
