/**
 * Which of a user's Slack sessions belong to their guarded devices (issue #7, policy
 * `serverSideRevocation: session`). `admin.users.session.list` describes each session by
 * the device hardware, OS, client version and IP it was created from and last used from;
 * it carries no user agent. A session is the guarded devices' when its most recent
 * address (else its creation address) is one they reported from recently and its OS
 * family, when both sides name one, is theirs. Every other session with an address is
 * foreign and is invalidated; one with no address is left alone and said so, never
 * guessed at. A session Slack's audit log showed off-device is always invalidated.
 */
import { normalizeIp, osFamily, type Footprint } from './device-footprint';

export interface SlackSessionPlace {
  device_hardware?: string;
  os?: string;
  ip?: string;
  slack_client_version?: string;
}

export interface SlackSession {
  session_id: number | string;
  team_id?: string;
  user_id?: string;
  created?: SlackSessionPlace;
  recent?: SlackSessionPlace;
}

export interface SessionDecision {
  sessionId: string;
  teamId: string | null;
  action: 'invalidate' | 'keep';
  why: string;
  ip: string | null;
  os: string | null;
}

export function decideSessions(
  sessions: readonly SlackSession[],
  guarded: Pick<Footprint, 'addresses' | 'osFamilies'>,
  seenOffDevice: ReadonlySet<string> = new Set(),
): SessionDecision[] {
  return sessions.map((s) => {
    const sessionId = String(s.session_id);
    const rawIp = s.recent?.ip || s.created?.ip || null;
    const ip = rawIp ? normalizeIp(rawIp) : null;
    const osText = s.recent?.os || s.created?.os || null;
    const os = osFamily(osText);
    const base = { sessionId, teamId: s.team_id ?? null, ip, os: osText };
    if (seenOffDevice.has(sessionId))
      return { ...base, action: 'invalidate', why: "Slack's audit log showed it used off the guarded devices" };
    if (!ip) return { ...base, action: 'keep', why: 'Slack gave no address to match it by; left alone' };
    if (!guarded.addresses.has(ip))
      return {
        ...base,
        action: 'invalidate',
        why: `used from ${ip}, where no guarded device of this user reported from recently`,
      };
    if (os && guarded.osFamilies.size > 0 && !guarded.osFamilies.has(os)) {
      return {
        ...base,
        action: 'invalidate',
        why: `runs ${osText}, the guarded devices run ${[...guarded.osFamilies].join(', ')}`,
      };
    }
    return { ...base, action: 'keep', why: `matches a guarded device (${ip}${os ? `, ${os}` : ''})` };
  });
}
