/**
 * `guard_silenced` (issue #12): a guard that goes quiet is a finding. Two ways in: the
 * extension was removed (Chromium opens the signed uninstall link, uninstall-link.ts), or
 * it stopped reporting (disabled, killed, blocked) for `silenceSeconds` while its verified
 * user was active at Slack after its last report. Pure, like a detector (STYLE.md): the
 * activity is loaded by the caller and time comes as an argument. With `activity:
 * same_browser` (the default) only activity from the device's own user agent counts, so a
 * user who closed the laptop and went on with their phone raises nothing.
 */
import type { OrgPolicy } from '../../shared/policy/org-policy';
import type { Detection } from '../detection/define-detector';
import type { SlackActivity } from './slack-activity';

export const GUARD_SILENCED = {
  id: 'guard_silenced',
  title: 'Session Guard went quiet in a browser that still uses Slack',
  severity: 'high',
  attack: ['T1562.001'],
  runbook:
    'The extension on this device was removed, or it stopped reporting while its user kept using Slack. ' +
    'Managed policy force-installs it, so removal or disabling points to a changed policy, a tampered profile or malware. ' +
    'Check the device (chrome://policy, chrome://extensions), end the user’s Slack sessions if in doubt, and ask the user.',
} as const;

export interface SilentDevice {
  id: string;
  userAgent: string | null;
  /** Server clock of the device's last signed report (signals, poll, stream). */
  lastSeenAt: number;
}

export type GuardSilencedPolicy = Pick<OrgPolicy['detectors']['guard_silenced'], 'silenceSeconds' | 'activity'>;

/** A finding when the device is silent long enough and Slack saw its user after its last report. */
export function silencedWhileActive(
  device: SilentDevice,
  activity: readonly SlackActivity[],
  policy: GuardSilencedPolicy,
  now: number,
): Detection | null {
  const silentMs = now - device.lastSeenAt;
  if (silentMs < policy.silenceSeconds * 1000) return null;
  const after = activity.filter((a) => a.at > device.lastSeenAt);
  const counted = policy.activity === 'any' ? after : after.filter((a) => a.ua !== null && a.ua === device.userAgent);
  const first = counted[0];
  if (!first) return null;
  const minutes = Math.round(silentMs / 60_000);
  return {
    summary: `Session Guard has not reported for ${minutes} min while Slack recorded its user active (${first.action}, ${first.source})${first.ua === device.userAgent ? ' from this browser' : ''}`,
    evidence: {
      how: 'silent',
      lastReportAt: device.lastSeenAt,
      silentSeconds: Math.round(silentMs / 1000),
      silenceSeconds: policy.silenceSeconds,
      activityRule: policy.activity,
      activity: counted.slice(0, 5).map((a) => ({ ...a, sameUserAgent: a.ua === device.userAgent })),
    },
  };
}

/** The signed uninstall link was opened: Chromium does so only when the extension is removed. */
export function uninstalled(device: SilentDevice, linkSetAt: number, now: number): Detection {
  return {
    summary: 'Session Guard was removed from this browser (its signed uninstall link was opened)',
    evidence: { how: 'uninstalled', lastReportAt: device.lastSeenAt, linkSetAt, reportedAt: now },
  };
}
