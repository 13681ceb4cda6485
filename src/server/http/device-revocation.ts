/**
 * Revoked keys (by an admin, issue #5, or rotated away, issue #4) are refused on every
 * device route with DEVICE_REVOKED (403): the extension reads it as "stop", where a 401
 * would make it enroll again.
 */
import { DEVICE_REVOKED } from '../../shared/protocol/device';
import type { DeviceRow } from '../db/devices';
import { HttpError } from './http-error';

export function isRevoked(device: Pick<DeviceRow, 'revoked_at'>): boolean {
  return device.revoked_at !== null && device.revoked_at !== undefined;
}

export function refuseRevoked(device: Pick<DeviceRow, 'revoked_at'> | undefined): void {
  if (device && isRevoked(device)) {
    throw new HttpError(
      DEVICE_REVOKED.status,
      DEVICE_REVOKED.code,
      'this device key was revoked; it is no longer accepted',
    );
  }
}
