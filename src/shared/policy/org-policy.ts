/**
 * The org policy: Slack's Anomaly Event Response settings, as one JSON document
 * (DESIGN.md, "Org policy"). Every key has a default, so `{}` is a valid policy and a
 * file need only say what differs. Unknown keys are refused so a typo never silently
 * turns a detector off.
 */
import { z } from 'zod';
import { SERVER_SIDE_MODES } from './server-side-modes';

const Action = z.enum(['alert', 'terminate']);

const detector = <T extends z.ZodRawShape>(enabled: boolean, action: 'alert' | 'terminate', extra: T) =>
  z
    .object({ enabled: z.boolean().default(enabled), action: Action.default(action), ...extra })
    .strict()
    // Generic over `extra`, zod cannot see that `{}` fits every instantiation; it does.
    .prefault({} as never);

const Cidr = z
  .string()
  .regex(/^(\d{1,3}(\.\d{1,3}){3}\/\d{1,2}|[0-9a-fA-F:]+\/\d{1,3})$/, 'a CIDR such as 10.0.0.0/8 or 2001:db8::/32');

export const OrgPolicy = z
  .object({
    mode: z.enum(['monitor', 'enforce']).default('enforce'),
    detectors: z
      .object({
        tor: detector(true, 'terminate', {}),
        excessive_downloads: detector(true, 'terminate', {
          maxBytes: z.number().int().positive().default(524_288_000),
          maxFiles: z.number().int().positive().default(200),
          windowSeconds: z.number().int().min(10).max(86_400).default(600),
        }),
        session_fingerprint: detector(true, 'terminate', {}),
        session_cookie_injection: detector(true, 'terminate', {}),
        unexpected_api_call_volume: detector(true, 'alert', {
          maxCallsPerMinute: z.number().int().positive().default(300),
        }),
        ip_address: detector(false, 'alert', {}),
        // From Slack's audit log (issue #7, src/server/slack/): activity on the user's
        // session from an address or user agent none of their guarded devices used within
        // `recentSeconds` before it. Needs a Slack connection; fires on nothing without one.
        session_used_off_device: detector(true, 'alert', {
          recentSeconds: z
            .number()
            .int()
            .min(60)
            .max(30 * 86_400)
            .default(86_400),
        }),
        // A guard that goes quiet (issue #12, src/server/silence/): a device with a verified
        // user that has not reported for `silenceSeconds` while that user is active at Slack
        // after its last report (`activity: same_browser` counts only activity from the
        // device's own user agent), or whose extension was removed (signed uninstall link).
        guard_silenced: detector(true, 'alert', {
          silenceSeconds: z
            .number()
            .int()
            .min(30)
            .max(7 * 86_400)
            .default(900),
          activity: z.enum(['same_browser', 'any']).default('same_browser'),
        }),
      })
      .strict()
      .prefault({}),
    excludedUsers: z.array(z.string().min(1)).default([]),
    trustedCidrs: z.array(Cidr).default([]),
    cooldownSeconds: z.number().int().nonnegative().default(300),
    /**
     * Ending the session at Slack too, besides the device-side clear (issue #7): `session`
     * invalidates the user's Slack sessions that do not belong to their guarded devices,
     * `user` resets every session of the verdict's Slack user. Needs a Slack connection.
     * `auto` (issue #12, the default for new policies; stored policies keep their value):
     * `user` for verified identities when a Grid connection works, else nothing at Slack
     * (src/server/slack/auto-revocation.ts). One sentence a mode: server-side-modes.ts.
     */
    serverSideRevocation: z.enum(SERVER_SIDE_MODES).default('auto'),
    /** Push `trustedCidrs` (IPv4) to Slack's anomaly allow list (read, merge, write). */
    syncTrustedCidrsToSlack: z.boolean().default(false),
    /**
     * Issue #12: after clearing the browser, the device also ends the session at Slack
     * with the session's own credentials (docs/slack-session.md). Reaches devices through
     * the signed device settings (src/server/verdicts/device-settings.ts).
     */
    deviceSignout: z.boolean().default(true),
  })
  .strict();

export type OrgPolicy = z.infer<typeof OrgPolicy>;
export type OrgPolicyInput = z.input<typeof OrgPolicy>;
export type DetectorId = keyof OrgPolicy['detectors'];

export const DEFAULT_ORG_POLICY: OrgPolicy = OrgPolicy.parse({});

/** "detectors.excessive_downloads.maxFiles: expected a number" — the field is named. */
export function describePolicyError(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(document)'}: ${issue.message}`)
    .join('; ');
}

export type PolicyParseResult = { ok: true; policy: OrgPolicy } | { ok: false; error: string };

export function parseOrgPolicy(input: unknown): PolicyParseResult {
  const result = OrgPolicy.safeParse(input);
  return result.success ? { ok: true, policy: result.data } : { ok: false, error: describePolicyError(result.error) };
}
