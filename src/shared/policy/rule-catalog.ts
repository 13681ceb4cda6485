/**
 * What an admin reads on the policy form (issue #14, "Settings an admin can read"): for
 * every detector and every Slack anomaly in the org policy, one sentence on what it
 * catches, and for every threshold a label and its unit. Only words live here: types,
 * defaults and limits come from the zod schema itself (policy-form-model.ts), and a
 * convention test (test/unit/shared-policy-form-model.test.ts) fails when a detector,
 * an anomaly or a threshold has no entry, or a title differs from its detector's.
 */
import type { DetectorId, SlackAnomalyReason } from './org-policy';

export interface FieldWords {
  label: string;
  /** Plural unit shown after the value and in the hint ("seconds", "files a minute"). */
  unit?: string;
  help?: string;
}

export interface DetectorWords {
  title: string;
  catches: string;
  /** The detector's own settings besides enabled/action/exclusions, by key. */
  fields: Record<string, FieldWords>;
}

export const DETECTOR_WORDS: Record<DetectorId, DetectorWords> = {
  tor: {
    title: 'Slack reached through a Tor exit node',
    catches: 'A device reports its Slack session from an address on the Tor exit list.',
    fields: {},
  },
  excessive_downloads: {
    title: 'Excessive Slack file downloads',
    catches:
      'More Slack files or bytes downloaded within the window than the limits (raised for users whose history shows heavier days).',
    fields: {
      maxFiles: { label: 'Most files in the window', unit: 'files' },
      maxBytes: { label: 'Most bytes in the window', unit: 'bytes' },
      windowSeconds: { label: 'Window', unit: 'seconds' },
    },
  },
  session_fingerprint: {
    title: 'Slack session used from another device or browser',
    catches: 'The same Slack session is reported by a device or browser other than the one it was first seen in.',
    fields: {},
  },
  session_cookie_injection: {
    title: 'Slack session cookie injected without a sign-in',
    catches: "Slack's session cookie appears or changes in a browser with no sign-in to Slack before it.",
    fields: {},
  },
  unexpected_api_call_volume: {
    title: 'Unexpected Slack API call volume',
    catches: 'Calls to one Slack web API method above the limit in a minute, the shape of scraping.',
    fields: { maxCallsPerMinute: { label: 'Most calls to one method', unit: 'calls a minute' } },
  },
  ip_address: {
    title: 'Slack used from an untrusted network',
    catches: 'A report from an address outside the trusted CIDRs of the policy (silent while that list is empty).',
    fields: {},
  },
  unexpected_message_deletion: {
    title: 'Unexpected Slack message deletion',
    catches: 'Messages deleted faster than a person deletes them (chat.delete calls a minute above the limit).',
    fields: { maxPerMinute: { label: 'Most deletions', unit: 'messages a minute' } },
  },
  excessive_file_shares: {
    title: 'Excessive Slack file shares',
    catches: 'Files shared into conversations or made public faster than the limit.',
    fields: { maxPerMinute: { label: 'Most shares', unit: 'shares a minute' } },
  },
  unexpected_admin_action: {
    title: 'Unexpected Slack admin action',
    catches: 'Slack admin methods called at a volume no admin works at, or by a user who never used them before.',
    fields: {
      maxPerMinute: { label: 'Most admin calls', unit: 'calls a minute' },
      baselineDays: { label: 'History looked at', unit: 'days' },
    },
  },
  unexpected_scraping: {
    title: 'Unexpected Slack scraping',
    catches: 'History, replies, members or search paged at a steady pace minute after minute, as an export tool does.',
    fields: {
      minCallsPerMinute: { label: 'Fewest reading calls', unit: 'calls a minute' },
      minMinutes: { label: 'For at least', unit: 'minutes in a row' },
    },
  },
  spoofed_user_agent: {
    title: 'Spoofed user agent',
    catches: 'A browser whose user agent names another operating system than its own client hints.',
    fields: {},
  },
  asn: {
    title: 'Slack used from a listed network',
    catches:
      "A report from an address, CIDR or AS number on the org's indicator list, from a hosting provider's network, or from a network (AS) the verified user never used before; the last two need the IP-to-ASN data set (serve --asn-data).",
    fields: {
      cloud: { label: "Also flag hosting providers' networks" },
      cloudAsns: {
        label: 'More hosting-provider AS numbers',
        help: 'Added to the shipped list (AWS, Google Cloud, Azure, DigitalOcean, OVH, Hetzner…), e.g. AS15169.',
      },
      excludedAsns: {
        label: 'AS numbers never flagged as hosting or new',
        help: 'e.g. the cloud region your VPN exits in.',
      },
      iocList: { label: 'Indicator list', help: 'A file path or URL with addresses, CIDRs or AS numbers, one a line.' },
      newAsnAfterDays: { label: 'Learning period before a new network counts', unit: 'days' },
    },
  },
  user_agent: {
    title: "Slack session used with another client's user agent",
    catches:
      "The session is used at Slack with an older client version or a user agent none of the user's devices has.",
    fields: {},
  },
  session_used_off_device: {
    title: 'Slack session used off the guarded device',
    catches:
      "Slack's audit log shows the user's session used from an address or user agent none of their guarded devices used just before.",
    fields: { recentSeconds: { label: 'A device counts as recent within', unit: 'seconds' } },
  },
  guard_silenced: {
    title: 'Session Guard went quiet',
    catches: 'A guarded browser stops reporting while its user is still active at Slack, or the extension was removed.',
    fields: {
      silenceSeconds: { label: 'Quiet for at least', unit: 'seconds' },
      activity: {
        label: 'Activity that counts',
        help: '"same_browser": only Slack activity with the device\'s own user agent; "any": any activity of the user.',
      },
    },
  },
};

/** Slack's anomaly events (its audit log), one sentence a reason code, in Slack's terms. */
export const SLACK_ANOMALY_WORDS: Record<SlackAnomalyReason, string> = {
  asn: 'Slack saw the session from a network (ASN) unusual for it.',
  excessive_downloads: 'Slack saw an unusual number of file downloads.',
  excessive_file_shares: 'Slack saw files shared or made public at an unusual rate.',
  excessive_malware_uploads: 'Slack saw several uploads flagged as malware.',
  ip_address: 'Slack saw an unusual address: a new ASN, a cloud provider, or one on an indicator list.',
  potential_spam: 'Slack saw messages that look like spam.',
  search_volume: 'Slack saw an unusual volume of searches (deprecated by Slack).',
  session_fingerprint: "Slack saw the session's fingerprint change mid-session.",
  spoofed_user_agent: 'Slack saw a user agent that contradicts the client using it.',
  tor: 'Slack saw the session reached through Tor.',
  unexpected_admin_action: 'Slack saw admin actions unusual for the user.',
  unexpected_api_call_volume: 'Slack saw an unusual volume of API calls.',
  unexpected_client: 'Slack saw a client the user does not usually use.',
  unexpected_credential_testing: 'Slack saw an app testing credentials.',
  unexpected_message_deletion: 'Slack saw messages deleted at an unusual rate.',
  unexpected_scraping: 'Slack saw data read in the pattern of scraping.',
  unexpected_user_agent: 'Slack saw a user agent the user does not usually have.',
  user_agent: 'Slack saw a changed user agent, such as a client version downgrade.',
};

/** Words for the settings every rule has. */
export const COMMON_FIELD_WORDS: Record<'enabled' | 'action' | 'excludedUsers' | 'excludedGroups', FieldWords> = {
  enabled: { label: 'On' },
  action: { label: 'When it fires' },
  excludedUsers: { label: 'Excluded people', help: 'Slack user IDs (U…), separated by commas or new lines.' },
  excludedGroups: { label: 'Excluded groups', help: 'Slack user group IDs (S…), separated by commas or new lines.' },
};

export const ACTION_WORDS = {
  alert: 'Alert: record a finding',
  terminate: 'Terminate: end the session',
} as const;
