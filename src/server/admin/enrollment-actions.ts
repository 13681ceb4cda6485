/**
 * Enrollment as the admin controls it (issue #10), shared by the admin API, the
 * dashboard and the CLI: approve or reject a pending device, rotate the enrollment token,
 * and the current settings. Each change is in the audit log with who made it.
 */
import type { AppContext } from '../app-context';
import { recordAudit } from '../audit/audit-log';
import {
  DEFAULT_GRACE_HOURS,
  enrollmentTokenStatus,
  rotateEnrollmentToken,
  type EnrollmentTokenStatus,
} from '../auth/enrollment-tokens';
import { countPendingDevices, countQuotaDevices, decideApproval } from '../db/devices';
import type { Db } from '../db/schema';
import type { EnrollmentConfig } from '../enrollment/config';
import { HttpError } from '../http/http-error';
import type { Actor } from './policy-actions';

/** Approves a pending (or earlier rejected) device: from now on it may enroll and report. */
export async function approveDeviceAs(ctx: AppContext, by: Actor, id: string): Promise<void> {
  const now = ctx.now();
  const was = await decideApproval(ctx.db, id, 'approved', ['pending', 'rejected'], by.actor, now);
  if (was === undefined) throw new HttpError(404, 'unknown_device', 'no device with this id');
  if (was === 'approved') return; // already approved: nothing changed, nothing to audit
  await recordAudit(ctx.db, now, { actor: by.actor, ip: by.ip, action: 'device.approve', target: id });
}

/** Rejects a pending device: refused for good with `device_rejected` (approving it later is possible). */
export async function rejectDeviceAs(ctx: AppContext, by: Actor, id: string): Promise<void> {
  const now = ctx.now();
  const was = await decideApproval(ctx.db, id, 'rejected', ['pending'], by.actor, now);
  if (was === undefined) throw new HttpError(404, 'unknown_device', 'no device with this id');
  if (was === 'rejected') return;
  if (was === 'approved')
    throw new HttpError(409, 'not_pending', 'this device is already approved; revoke it to refuse its key');
  await recordAudit(ctx.db, now, { actor: by.actor, ip: by.ip, action: 'device.reject', target: id });
}

/** A new enrollment token; the old one keeps working for `graceHours`. Returns the new token. */
export async function rotateEnrollmentAs(
  db: Db,
  now: number,
  by: Actor,
  graceHours = DEFAULT_GRACE_HOURS,
): Promise<{ token: string; previousExpiresAt: number }> {
  const rotated = await rotateEnrollmentToken(db, now, graceHours);
  await recordAudit(db, now, {
    actor: by.actor,
    ip: by.ip,
    action: 'enrollment.rotate',
    details: { graceHours, previousExpiresAt: rotated.previousExpiresAt },
  });
  return rotated;
}

export interface EnrollmentSettingsView extends EnrollmentTokenStatus {
  settings: EnrollmentConfig;
  devices: { counted: number; pending: number };
}

export async function enrollmentSettings(ctx: AppContext): Promise<EnrollmentSettingsView> {
  return {
    settings: ctx.enrollment.config,
    ...(await enrollmentTokenStatus(ctx.db, ctx.now())),
    devices: { counted: await countQuotaDevices(ctx.db), pending: await countPendingDevices(ctx.db) },
  };
}
