/**
 * What a Slack user's guarded devices look like from outside, recently: the addresses the
 * backend saw their reports come from, the user agents and OS families they reported.
 * Both halves of issue #7 compare Slack's view of a session against this: the revocation
 * (which of Slack's sessions are the guarded device's) and the audit-log correlation
 * (activity from somewhere no guarded device was).
 */
import { guardedDevicesOf } from '../db/devices';
import type { Db } from '../db/schema';
import { canonicalIp } from '../detection/net/ip';

export interface Footprint {
  deviceIds: string[];
  /** The device seen last, which a device-side verdict is sent to. */
  latestDeviceId: string | null;
  addresses: Set<string>;
  userAgents: Set<string>;
  osFamilies: Set<string>;
}

/** `::ffff:192.0.2.1` and `192.0.2.1` are one address (detection/net/ip.ts). */
export function normalizeIp(ip: string): string {
  return canonicalIp(ip) ?? ip.trim().toLowerCase();
}

/** Slack's `os` ("Mac OS X", "Windows", "iOS") and a browser's platform/user agent, as one word. */
export function osFamily(text: string | null | undefined): string | null {
  const t = (text ?? '').toLowerCase();
  if (!t) return null;
  if (/iphone|ipad|\bios\b/.test(t)) return 'ios';
  if (t.includes('android')) return 'android';
  if (/cros|chrome ?os/.test(t)) return 'chromeos';
  if (/mac|os x|darwin/.test(t)) return 'macos';
  if (t.includes('win')) return 'windows';
  if (t.includes('linux') || t.includes('x11')) return 'linux';
  return null;
}

interface FingerprintData {
  fingerprint?: { userAgent?: unknown; platform?: unknown };
}

/** The user's guarded (verified, not revoked) devices and what they reported between `from` and `to` (server clock). */
export async function loadFootprint(db: Db, userId: string, from: number, to: number): Promise<Footprint> {
  // Only devices Slack vouched are this user's (issue #10): a device that merely claims
  // the user would otherwise make its own address look like the user's.
  const devices = await guardedDevicesOf(db, userId);
  const footprint: Footprint = {
    deviceIds: devices.map((d) => d.id),
    latestDeviceId: devices[0]?.id ?? null,
    addresses: new Set(),
    userAgents: new Set(),
    osFamilies: new Set(),
  };
  if (devices.length === 0) return footprint;
  for (const d of devices) {
    if (d.last_ip && Number(d.last_seen_at) >= from) footprint.addresses.add(normalizeIp(d.last_ip));
    if (d.user_agent) footprint.userAgents.add(d.user_agent.trim());
    const os = osFamily(d.user_agent);
    if (os) footprint.osFamilies.add(os);
  }
  const rows = await db
    .selectFrom('signals')
    .select(['source_ip', 'type', 'data'])
    .where('device_id', 'in', footprint.deviceIds)
    .where('received_at', '>=', from)
    .where('received_at', '<=', to)
    .execute();
  for (const row of rows) {
    if (row.source_ip) footprint.addresses.add(normalizeIp(row.source_ip));
    if (row.type !== 'heartbeat' && row.type !== 'session_cookie') continue;
    try {
      const fp = (JSON.parse(row.data) as FingerprintData).fingerprint;
      if (typeof fp?.userAgent === 'string' && fp.userAgent) footprint.userAgents.add(fp.userAgent.trim());
      const os =
        osFamily(typeof fp?.platform === 'string' ? fp.platform : null) ??
        osFamily(typeof fp?.userAgent === 'string' ? fp.userAgent : null);
      if (os) footprint.osFamilies.add(os);
    } catch {
      // Stored signals were validated on the way in; a broken one adds nothing.
    }
  }
  return footprint;
}
