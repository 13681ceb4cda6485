/**
 * Devices for the admin: the list with each one's latest fingerprint, one device with its
 * Slack sessions, and revocation (audited). A revoked device's key is refused on every
 * device route with `DEVICE_REVOKED` (403), which the extension reads as "stop".
 */
import type { DeviceView, SessionView } from '../../shared/protocol/admin';
import type { AppContext } from '../app-context';
import { recordAudit } from '../audit/audit-log';
import { findDeviceWithCount, listDevices, revokeDevice, type DeviceWithCounts } from '../db/devices';
import { deviceSessions, latestFingerprint } from '../db/signals.repository';
import { HttpError } from '../http/http-error';
import type { Actor } from './policy-actions';
import { summarizeFingerprint, toDeviceView } from './views';

async function withFingerprint(ctx: AppContext, row: DeviceWithCounts): Promise<DeviceView> {
  const latest = await latestFingerprint(ctx.db, row.id);
  return toDeviceView(row, latest && summarizeFingerprint(latest.at, latest.fingerprint));
}

export async function deviceViews(ctx: AppContext, limit: number): Promise<DeviceView[]> {
  const rows = await listDevices(ctx.db, limit);
  return Promise.all(rows.map((row) => withFingerprint(ctx, row)));
}

export async function deviceDetail(
  ctx: AppContext,
  id: string,
): Promise<{ device: DeviceView; sessions: SessionView[] } | null> {
  const row = await findDeviceWithCount(ctx.db, id);
  if (!row) return null;
  const sessions = (await deviceSessions(ctx.db, id, 20)).map((s) => ({
    sessionKey: s.session_key,
    firstAt: s.first_at,
    lastAt: s.last_at,
    signals: s.signals,
  }));
  return { device: await withFingerprint(ctx, row), sessions };
}

export async function revokeDeviceAs(ctx: AppContext, by: Actor, id: string): Promise<void> {
  const now = ctx.now();
  if (!(await revokeDevice(ctx.db, id, by.actor, now)))
    throw new HttpError(404, 'unknown_device', 'no device with this id');
  await recordAudit(ctx.db, now, { actor: by.actor, ip: by.ip, action: 'device.revoke', target: id });
}
