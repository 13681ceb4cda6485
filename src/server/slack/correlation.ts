/**
 * `session_used_off_device` (issue #7): activity on a guarded user's Slack session, as
 * Slack's audit log records it, from an address or a user agent that none of that user's
 * guarded devices used within `recentSeconds`: the stolen-cookie case no endpoint can see.
 * Pure, like a detector (STYLE.md): the footprint is loaded by the caller, time comes with
 * the entry. An address inside the policy's `trustedCidrs` counts as known; a missing
 * address or user agent is not held against the session. Metadata sits beside it.
 */
import type { Detection } from '../detection/define-detector';
import { inCidrs } from '../detection/net/ip';
import { normalizeIp, type Footprint } from './device-footprint';

export const SESSION_USED_OFF_DEVICE = {
  id: 'session_used_off_device',
  title: 'Slack session used away from the guarded devices',
  severity: 'high',
  attack: ['T1550.004', 'T1539'],
  runbook:
    "Slack's audit log shows the user's session active from an address or client none of their guarded browsers used. " +
    'Confirm with the user whether they use Slack elsewhere (phone, desktop app); if not, treat the session cookie as stolen: ' +
    'end every session (policy serverSideRevocation: user), have the user sign in again, and check the device for an infostealer.',
} as const;

export interface OffDeviceInput {
  entryId: string;
  action: string;
  ip: string | null;
  ua: string | null;
  sessionId: string | null;
  /** Unix ms of the activity (Slack's clock). */
  at: number;
}

export function sessionUsedOffDevice(
  input: OffDeviceInput,
  footprint: Pick<Footprint, 'addresses' | 'userAgents' | 'deviceIds'>,
  policy: { trustedCidrs: readonly string[]; recentSeconds: number },
): Detection | null {
  if (footprint.deviceIds.length === 0) return null;
  const ip = input.ip ? normalizeIp(input.ip) : null;
  const ua = input.ua?.trim() || null;
  const unknownIp = ip !== null && !footprint.addresses.has(ip) && !inCidrs(ip, policy.trustedCidrs);
  const unknownUa = ua !== null && footprint.userAgents.size > 0 && !footprint.userAgents.has(ua);
  if (!unknownIp && !unknownUa) return null;
  const what = [unknownIp ? `address ${ip}` : null, unknownUa ? 'a user agent' : null].filter(Boolean).join(' and ');
  return {
    summary: `Slack session used (${input.action}) from ${what} no guarded device of this user used in the last ${Math.round(policy.recentSeconds / 3600)} h`,
    evidence: {
      slackEntryId: input.entryId,
      slackAction: input.action,
      slackSessionId: input.sessionId,
      ip,
      userAgent: ua,
      unknownAddress: unknownIp,
      unknownUserAgent: unknownUa,
      guardedAddresses: [...footprint.addresses].slice(0, 20),
      guardedUserAgents: footprint.userAgents.size,
      guardedDevices: footprint.deviceIds,
      recentSeconds: policy.recentSeconds,
      activityAt: input.at,
    },
  };
}
