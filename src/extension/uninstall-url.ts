/**
 * Tells Chromium where to go when this extension is removed (issue #12): a backend link
 * signed by the device key (src/shared/protocol/uninstall.ts), so the backend records a
 * `guard_silenced` finding for exactly this device. Set again whenever the key changes.
 */
import { browser } from 'wxt/browser';
import { uninstallSignedText, uninstallUrl } from '@/src/shared/protocol/uninstall';
import { signText, type Enrolled } from './device-identity';

export async function setSignedUninstallUrl(identity: Enrolled, backendUrl: string, now = Date.now()): Promise<void> {
  const signature = await signText(identity, uninstallSignedText(identity.deviceId, now));
  await browser.runtime.setUninstallURL(uninstallUrl(backendUrl, identity.deviceId, now, signature));
}
