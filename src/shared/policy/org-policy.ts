/**
 * The org policy: Slack's Anomaly Event Response settings, as one JSON document
 * (DESIGN.md, "Org policy"). Every key has a default, so `{}` is a valid policy and a
 * file need only say what differs. Unknown keys are refused so a typo never silently
 * turns a detector off.
 */
import { z } from 'zod';

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
     */
    serverSideRevocation: z.enum(['none', 'session', 'user']).default('none'),
    /** Push `trustedCidrs` (IPv4) to Slack's anomaly allow list (read, merge, write). */
    syncTrustedCidrsToSlack: z.boolean().default(false),
    /**
     * Issue #12: after clearing the browser, the device also ends the session at Slack
     * with the session's own credentials (docs/slack-session.md). Reaches devices through
     * the signed device settings (src/server/verdicts/device-settings.ts).
     */
    deviceSignout: z.boolean().default(true),
    /**
     * Issue #13: the session vault keeps Slack's `d` cookie out of the browser's cookie
     * store (`memory`: in the extension's memory only; `sealed`: also encrypted on disk
     * under a non-extractable key). docs/session-vault.md. Reaches devices as device settings.
     */
    sessionVault: z.enum(['off', 'memory', 'sealed']).default('off'),
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
