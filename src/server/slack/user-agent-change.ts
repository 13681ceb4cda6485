/**
 * `user_agent` (issue #14): the thief's client is the one thing a guarded device never
 * sees, but Slack's audit and access logs record it. When the user's session is used with
 * an older version of a client their guarded browsers run (Chrome 120 where every device
 * runs Chrome 156: Slack's "client version downgrade") or with a user agent none of their
 * guarded devices has (Slack's `unexpected_user_agent`), this records a finding, named
 * in its evidence as Slack's `ip_address_details` names address findings. Off by default
 * and an alert when on: phones and the desktop app are other user agents too, and IT does
 * roll browsers back. The rule is pure; `recordUserAgentChange` does the reads and writes
 * for both log readers (audit-process.ts, access-log-process.ts).
 */
import type { Detection } from '../detection/define-detector';
import { recordFinding } from '../detection/record-finding';
import { withSubjectLock } from '../detection/subject-lock';
import { findingFromEntryExists } from '../db/slack-audit.repository';
import type { ActivePolicy } from '../policy/policy-store';
import type { SlackRuntime } from './context';
import { loadFootprint } from './device-footprint';

export const USER_AGENT = {
  id: 'user_agent',
  title: "Slack session used with another client's user agent",
  severity: 'medium',
  attack: ['T1550.004', 'T1539'],
  runbook:
    "Slack's logs show the user's session used with an older client than their guarded browsers run, or with a user agent " +
    'none of them has. Ask the user whether they use Slack elsewhere (phone, desktop app, another browser); a downgrade ' +
    'with no IT rollback behind it is a replayed cookie: end the session and check the device for an infostealer.',
} as const;

/** Browser products by the token that names their version, most specific first (Edge also says Chrome). */
const PRODUCTS: readonly (readonly [string, RegExp])[] = [
  ['Edge', /\bEdg\/(\d+)/],
  ['Slack desktop', /\bSlack\/(\d+)\.(\d+)/],
  ['Firefox', /\bFirefox\/(\d+)/],
  ['Chrome', /\b(?:Chrome|Chromium)\/(\d+)/],
  ['Safari', /\bVersion\/(\d+)[\d.]* .*Safari\//],
];

/** The product and its version (major, then minor for Slack's desktop app), or null. */
export function clientVersion(ua: string): { product: string; version: number } | null {
  for (const [product, pattern] of PRODUCTS) {
    const m = pattern.exec(ua);
    if (m) return { product, version: Number(m[1]) + (m[2] ? Number(m[2]) / 1000 : 0) };
  }
  return null;
}

export function userAgentChange(ua: string | null, guarded: ReadonlySet<string>): Detection | null {
  const used = ua?.trim() || null;
  if (!used || guarded.size === 0 || guarded.has(used)) return null;
  const client = clientVersion(used);
  const newest = client
    ? Math.max(
        -1,
        ...[...guarded].map((g) => clientVersion(g)).flatMap((c) => (c?.product === client.product ? [c.version] : [])),
      )
    : -1;
  const downgrade = client !== null && newest > client.version;
  // The same client, only newer (an update since the devices last reported): not a change.
  const shape = (text: string) => text.replace(/\d+(?:\.\d+)*/g, '#');
  if (client && newest >= 0 && !downgrade && [...guarded].some((g) => shape(g) === shape(used))) return null;
  return {
    summary: downgrade
      ? `Slack session used with ${client.product} ${Math.floor(client.version)}, older than the ${client.product} ${Math.floor(newest)} the user's guarded devices run`
      : "Slack session used with a user agent none of the user's guarded devices has",
    evidence: {
      userAgentDetails: downgrade ? 'client-downgrade' : 'unexpected-user-agent',
      userAgent: used,
      client: client ? { product: client.product, version: client.version } : null,
      newestGuardedVersion: newest >= 0 ? newest : null,
      guardedUserAgents: guarded.size,
    },
  };
}

export interface LoggedUse {
  /** The finding's signal id (`slack-audit:<id>` or `slack-access:<id>`). */
  signalId: string;
  entryId: string;
  action: string;
  userId: string;
  ua: string | null;
  /** Unix ms of the activity (Slack's clock). */
  at: number;
}

/** Reports arriving this long after the activity still count as "around" it. */
const FOOTPRINT_GRACE_MS = 5 * 60_000;

/** Records a `user_agent` finding for one logged use when the rule is on and it applies; null when off. */
export async function recordUserAgentChange(
  rt: SlackRuntime,
  active: ActivePolicy,
  use: LoggedUse,
): Promise<Record<string, unknown> | null> {
  if (!active.policy.detectors.user_agent.enabled) return null;
  if (await findingFromEntryExists(rt.db, use.signalId, USER_AGENT.id)) return { result: 'already_recorded' };
  // The same window the off-device correlation looks back over.
  const since = use.at - active.policy.detectors.session_used_off_device.recentSeconds * 1000;
  const footprint = await loadFootprint(rt.db, use.userId, since, use.at + FOOTPRINT_GRACE_MS);
  if (!footprint.latestDeviceId) return { result: 'not_guarded' };
  const detection = userAgentChange(use.ua, footprint.userAgents);
  if (!detection) return { result: 'known_user_agent' };
  const evidence = { ...detection.evidence, slackEntryId: use.entryId, slackAction: use.action, activityAt: use.at };
  const subject = { id: use.userId, userId: use.userId, deviceId: footprint.latestDeviceId };
  const finding = await withSubjectLock(subject.deviceId, () =>
    recordFinding(
      rt,
      active,
      USER_AGENT,
      { ...detection, evidence },
      { id: use.signalId, at: use.at, sessionKey: null },
      subject,
    ),
  );
  return {
    result: String((detection.evidence as Record<string, unknown>).userAgentDetails),
    findingId: finding?.id ?? null,
    outcome: finding?.outcome ?? null,
  };
}
