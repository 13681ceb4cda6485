/**
 * Managed policy, read from chrome.storage.managed and validated on every read. Right
 * after a force-install Chromium answers `{}` for seconds before the admin's values
 * arrive, so this follows `onChanged` and also re-reads on each poll alarm.
 */
import { browser } from 'wxt/browser';
import { readManagedPolicy, type ManagedPolicyState } from '@/src/shared/policy/managed-policy';

export async function readPolicy(): Promise<ManagedPolicyState> {
  try {
    return readManagedPolicy(await browser.storage.managed.get());
  } catch (error) {
    // Firefox without an enterprise policy, or a platform with no managed storage.
    return { status: 'invalid', problems: [`managed storage is unavailable: ${String(error)}`] };
  }
}

/** Where the policy comes from, in words the popup can show. */
export function policySourceText(): string {
  return import.meta.env.FIREFOX
    ? 'Firefox enterprise policy (3rdparty › Extensions), set by your organisation'
    : 'Chrome managed policy (chrome.storage.managed), set by your organisation';
}

export function onPolicyChanged(listener: () => void): void {
  browser.storage.onChanged.addListener((_changes, area) => {
    if (area === 'managed') listener();
  });
}
