/**
 * Approval mode (issue #10): a device an admin has not approved is refused on every
 * device route (signals, acks, verdict poll, stream, key rotation) with 403
 * `device_pending`, or `device_rejected` once an admin rejected it, before anything is
 * stored. The extension reads `device_pending` as "wait calmly", `device_rejected` as "stop".
 */
import { ENROLLMENT_REFUSALS } from '../../shared/protocol/enrollment';
import type { DeviceRow } from '../db/devices';
import { HttpError } from './http-error';

export function approvalRefusal(device: Pick<DeviceRow, 'approval'>): HttpError | null {
  if (device.approval === 'pending') {
    const { status, code } = ENROLLMENT_REFUSALS.pending;
    return new HttpError(status, code, 'this device waits for an administrator’s approval');
  }
  if (device.approval === 'rejected') {
    const { status, code } = ENROLLMENT_REFUSALS.rejected;
    return new HttpError(status, code, 'an administrator rejected this device; it is not accepted');
  }
  return null;
}

export function refuseUnapproved(device: Pick<DeviceRow, 'approval'> | undefined): void {
  const refusal = device && approvalRefusal(device);
  if (refusal) throw refusal;
}
