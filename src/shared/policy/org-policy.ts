/**
 * The org policy: Slack's Anomaly Event Response settings, as one JSON document
 * (DESIGN.md, "Org policy"). Every key has a default, so `{}` is a valid policy and a
 * file need only say what differs. Unknown keys are refused so a typo never silently
 * turns a detector off.
 */
import { z } from 'zod';
import { RetentionSettings, retentionProblems } from './retention';
import { SERVER_SIDE_MODES } from './server-side-modes';

const Action = z.enum(['alert', 'terminate']);

/** Slack user ids (or device ids, for devices whose user Slack has not vouched for). */
const ExcludedUsers = z.array(z.string().min(1).max(64)).default([]);
/** Slack user group ids (`S…`), resolved through usergroups.users.list (slack/usergroups.ts). */
const ExcludedGroups = z
  .array(z.string().regex(/^S[A-Z0-9]{2,20}$/, 'a Slack user group id such as S0123ABCD'))
  .default([]);
/** Who a rule never acts on, as in Slack's AER: per detector and per Slack anomaly (issue #14). */
const exclusions = { excludedUsers: ExcludedUsers, excludedGroups: ExcludedGroups };

const detector = <T extends z.ZodRawShape>(enabled: boolean, action: 'alert' | 'terminate', extra: T) =>
  z
    .object({ enabled: z.boolean().default(enabled), action: Action.default(action), ...exclusions, ...extra })
    .strict()
    // Generic over `extra`, zod cannot see that `{}` fits every instantiation; it does.
    .prefault({} as never);

/** An AS number: 64500, or as text `64500` / `AS64500` (what the policy form's lists send). */
const Asn = z.union([
  z.number().int().min(1).max(4_294_967_295),
  z.string().regex(/^(AS)?\d{1,10}$/i, 'an AS number such as 16509 or AS16509'),
]);

/** The numbers of a list of `Asn`s (text or number). */
export const asnNumbers = (list: readonly (number | string)[] | undefined): number[] =>
  (list ?? []).map((a) => (typeof a === 'number' ? a : Number(a.replace(/^AS/i, ''))));

const Cidr = z
  .string()
  .regex(/^(\d{1,3}(\.\d{1,3}){3}\/\d{1,2}|[0-9a-fA-F:]+\/\d{1,3})$/, 'a CIDR such as 10.0.0.0/8 or 2001:db8::/32');

/** Every reason code Slack's Anomaly Event Response sends (`search_volume` is deprecated). */
export const SLACK_ANOMALY_REASONS = [
  'asn',
  'excessive_downloads',
  'excessive_file_shares',
  'excessive_malware_uploads',
  'ip_address',
  'potential_spam',
  'search_volume',
  'session_fingerprint',
  'spoofed_user_agent',
  'tor',
  'unexpected_admin_action',
  'unexpected_api_call_volume',
  'unexpected_client',
  'unexpected_credential_testing',
  'unexpected_message_deletion',
  'unexpected_scraping',
  'unexpected_user_agent',
  'user_agent',
] as const;
export type SlackAnomalyReason = (typeof SLACK_ANOMALY_REASONS)[number];

const slackAnomaly = z
  .object({ action: Action.default('alert'), ...exclusions })
  .strict()
  .prefault({});
const slackAnomalies = Object.fromEntries(SLACK_ANOMALY_REASONS.map((r) => [r, slackAnomaly])) as Record<
  SlackAnomalyReason,
  typeof slackAnomaly
>;

/** What every rule (a detector or a Slack anomaly) says about acting: its action and who it spares. */
export interface RuleSetting {
  action: 'alert' | 'terminate';
  excludedUsers: readonly string[];
  excludedGroups: readonly string[];
}

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
        // Issue #14: Slack's AER anomalies seen from the extension (detectors/<code>.ts).
        unexpected_message_deletion: detector(true, 'terminate', {
          maxPerMinute: z.number().int().positive().default(100),
        }),
        excessive_file_shares: detector(true, 'terminate', {
          maxPerMinute: z.number().int().positive().default(50),
        }),
        unexpected_admin_action: detector(true, 'alert', {
          maxPerMinute: z.number().int().positive().default(60),
          baselineDays: z.number().int().min(1).max(90).default(14),
        }),
        unexpected_scraping: detector(true, 'terminate', {
          minCallsPerMinute: z.number().int().positive().default(60),
          minMinutes: z.number().int().min(1).max(60).default(3),
        }),
        spoofed_user_agent: detector(true, 'terminate', {}),
        // Issue #14: `iocList` (addresses, CIDRs, AS numbers), `cloud` (hosting providers,
        // detection/cloud-asn-list.ts plus `cloudAsns`) and `newAsnAfterDays` (an AS
        // number the verified user never used); the last two need `serve --asn-data`.
        // `excludedAsns` are never cloud nor new. `user_agent` is a later step.
        asn: detector(false, 'alert', {
          cloud: z.boolean().default(false),
          iocList: z.string().min(1).max(2048).optional(),
          newAsnAfterDays: z.number().int().min(1).max(365).default(14),
          cloudAsns: z.array(Asn).max(1000).default([]),
          excludedAsns: z.array(Asn).max(1000).default([]),
        }),
        user_agent: detector(false, 'alert', {}),
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
    /**
     * Slack's own anomaly events from its audit log (issue #14), one entry per reason code
     * Slack sends: `alert` records a finding, `terminate` also ends the verified user's
     * guarded sessions.
     */
    slackAnomalies: z.object(slackAnomalies).strict().prefault({}),
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
    /**
     * Issue #13: the session vault keeps Slack's `d` cookie out of the browser's cookie
     * store (`memory`: in the extension's memory only; `sealed`: also encrypted on disk
     * under a non-extractable key). docs/session-vault.md. Reaches devices as device settings.
     */
    sessionVault: z.enum(['off', 'memory', 'sealed']).default('off'),
    /**
     * Issue #16: days each kind of record is kept (retention.ts); unset keeps the default.
     * A setting shorter than this policy's windows need is refused with the reason.
     */
    retention: RetentionSettings,
  })
  .strict()
  .superRefine((policy, ctx) => {
    for (const problem of retentionProblems(policy))
      ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message });
  });

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
