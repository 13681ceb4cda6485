/**
 * Reason codes: Slack's Anomaly Event Response vocabulary where it has a word, ours where
 * it does not. A verdict and a finding carry one or more of these (DESIGN.md, threats).
 */
import { z } from 'zod';

export const REASON_CODES = [
  'tor',
  'excessive_downloads',
  'session_fingerprint',
  'session_cookie_injection',
  'unexpected_api_call_volume',
  'ip_address',
  'session_used_off_device',
] as const;

/**
 * Reason codes decided from Slack's audit log rather than from a device's signals
 * (issue #7, src/server/slack/): they have no detector in src/server/detection/detectors/.
 */
export const AUDIT_LOG_REASON_CODES = ['session_used_off_device'] as const;

export const ReasonCode = z.enum(REASON_CODES);
export type ReasonCode = z.infer<typeof ReasonCode>;

/** Plain words for the user and the dashboard. */
export const REASON_TEXT: Record<ReasonCode, string> = {
  tor: 'Slack was reached through the Tor network',
  excessive_downloads: 'an unusually large number of Slack files was downloaded',
  session_fingerprint: 'your Slack session was used from a different device or browser',
  session_cookie_injection: 'a Slack session cookie was placed in this browser without a sign-in',
  unexpected_api_call_volume: 'Slack was queried at a rate that looks like scraping',
  ip_address: 'Slack was used from a network your organisation does not trust',
  session_used_off_device: 'your Slack session was used from a device your organisation does not guard',
};
