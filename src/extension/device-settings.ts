/**
 * Device settings from the org policy (issue #12), as the backend signs them: verified
 * with the verdict keys managed policy pins, kept in `storage.local` (they survive a
 * browser restart) only when newer than what is kept, and verified again on every read,
 * since storage is a trust boundary too (darkreader re-validates settings when read).
 * Before any settings arrive, or if the kept ones no longer verify (a key rotated out),
 * the device does what the org policy's defaults say.
 */
import { browser } from 'wxt/browser';
import { verifyWithAny } from '@/src/shared/crypto/verdict-keys';
import {
  DEFAULT_DEVICE_SETTINGS,
  DeviceSettingsPayload,
  SignedDeviceSettings,
  type DeviceSettings,
} from '@/src/shared/protocol';

export const DEVICE_SETTINGS_KEY = 'deviceSettings';

export type SettingsVerdict = 'applied' | 'unchanged' | 'stale' | 'rejected';

async function verified(
  keys: readonly CryptoKey[],
  signed: unknown,
): Promise<{ payload: DeviceSettingsPayload; signed: SignedDeviceSettings } | null> {
  const form = SignedDeviceSettings.safeParse(signed);
  if (!form.success || !(await verifyWithAny(keys, form.data.signature, form.data.payload))) return null;
  try {
    const payload = DeviceSettingsPayload.safeParse(JSON.parse(form.data.payload));
    return payload.success ? { payload: payload.data, signed: form.data } : null;
  } catch {
    return null;
  }
}

async function kept(keys: readonly CryptoKey[]) {
  return verified(keys, (await browser.storage.local.get(DEVICE_SETTINGS_KEY))[DEVICE_SETTINGS_KEY]);
}

/** Takes a settings message from the stream or the poll: kept only if it verifies and is newer. */
export async function acceptDeviceSettings(keys: readonly CryptoKey[], signed: unknown): Promise<SettingsVerdict> {
  const incoming = await verified(keys, signed);
  if (!incoming) return 'rejected';
  const current = await kept(keys);
  if (current && current.payload.version > incoming.payload.version) return 'stale';
  if (current && current.payload.version === incoming.payload.version) return 'unchanged';
  await browser.storage.local.set({ [DEVICE_SETTINGS_KEY]: incoming.signed });
  return 'applied';
}

/** The settings in force: the newest verified ones kept, else the defaults. */
export async function currentDeviceSettings(
  keys: readonly CryptoKey[],
): Promise<DeviceSettings & { version: number | null }> {
  const current = await kept(keys);
  return current
    ? { ...current.payload.settings, version: current.payload.version }
    : { ...DEFAULT_DEVICE_SETTINGS, version: null };
}
