/**
 * Managed policy, read from chrome.storage.managed and validated on every read. Right
 * after a force-install Chromium answers `{}` for seconds before the admin's values
 * arrive, so this follows `onChanged` and also re-reads on each poll alarm.
 */
import { browser } from 'wxt/browser';
import { readManagedPolicy, type ManagedPolicyState } from '@/src/shared/policy/managed-policy';

/**
 * Firefox has no empty managed storage: with no enterprise policy for this extension (and
 * no native "storage" manifest) `storage.managed.get()` rejects with this message. That is
 * a missing policy, not a broken one.
 */
const FIREFOX_NO_POLICY = /Managed storage manifest not found/;

export async function readPolicy(): Promise<ManagedPolicyState> {
  try {
    return readManagedPolicy(await browser.storage.managed.get());
  } catch (error) {
    if (import.meta.env.FIREFOX && FIREFOX_NO_POLICY.test(String(error))) return { status: 'missing' };
    // A platform with no managed storage at all.
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
