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
  'guard_silenced',
  // Issue #14: Slack AER's words for what the extension sees of Slack's web API and client.
  'unexpected_message_deletion',
  'excessive_file_shares',
  'unexpected_admin_action',
  'unexpected_scraping',
  'spoofed_user_agent',
  'asn',
  // Issue #14: the thief's client, from Slack's audit and access logs (src/server/slack/).
  'user_agent',
] as const;

/**
 * Reason codes decided from Slack's audit log rather than from a device's signals
 * (issue #7, src/server/slack/): they have no detector in src/server/detection/detectors/.
 */
export const AUDIT_LOG_REASON_CODES = ['session_used_off_device', 'guard_silenced', 'user_agent'] as const;

export const ReasonCode = z.enum(REASON_CODES);
export type ReasonCode = z.infer<typeof ReasonCode>;

/**
 * A reason code as a verdict carries it on the wire (issue #14): any snake_case word, not
 * only the codes this build knows, so a backend that learns a new anomaly never makes a
 * deployed extension refuse its verdicts. Executing a verdict never depends on knowing
 * its reason; an unknown code is shown to the user as given.
 */
export const WireReasonCode = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'reason codes are snake_case words');

/** Plain words for a reason code, or the code itself when this build does not know it. */
export function reasonText(code: string): string {
  return (REASON_CODES as readonly string[]).includes(code) ? REASON_TEXT[code as ReasonCode] : code;
}

/** Plain words for the user and the dashboard. */
export const REASON_TEXT: Record<ReasonCode, string> = {
  tor: 'Slack was reached through the Tor network',
  excessive_downloads: 'an unusually large number of Slack files was downloaded',
  session_fingerprint: 'your Slack session was used from a different device or browser',
  session_cookie_injection: 'a Slack session cookie was placed in this browser without a sign-in',
  unexpected_api_call_volume: 'Slack was queried at a rate that looks like scraping',
  ip_address: 'Slack was used from a network your organisation does not trust',
  session_used_off_device: 'your Slack session was used from a device your organisation does not guard',
  guard_silenced: 'Session Guard stopped reporting from a browser while Slack was still in use, or was removed',
  unexpected_message_deletion: 'Slack messages were deleted at a rate no person deletes them',
  excessive_file_shares: 'Slack files were shared or made public at an unusual rate',
  unexpected_admin_action: 'Slack admin actions were taken at an unusual volume or by an unusual user',
  unexpected_scraping: 'Slack conversations were paged through the way an export tool does',
  spoofed_user_agent: 'the browser claimed to be something its own client hints contradict',
  asn: 'Slack was reached from a network on your organisation’s indicator list',
  user_agent: 'your Slack session was used with an older or unfamiliar Slack client',
};
