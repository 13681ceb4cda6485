/**
 * The refusals of POST /v1/enroll and the device routes that an admin's enrollment
 * controls cause (issue #10), as status and stable code, so the extension can tell
 * "wait for your administrator" from "stop" from "come back later".
 */
export const ENROLLMENT_REFUSALS = {
  /** Approval mode: the device is enrolled and waits for an admin; nothing else is accepted. */
  pending: { status: 403, code: 'device_pending' },
  /** An admin rejected the device: refused for good, like a revoked key. */
  rejected: { status: 403, code: 'device_rejected' },
  /** Too many enrollments from this address or in total; `Retry-After` says when to retry. */
  rateLimited: { status: 429, code: 'enrollment_rate_limited' },
  /** The org's device quota is full; an existing device may still re-enroll. */
  quotaReached: { status: 409, code: 'device_quota_reached' },
  /** An enrollment token replaced by `enrollment rotate` whose grace period has ended. */
  tokenExpired: { status: 401, code: 'enrollment_token_expired' },
} as const;
