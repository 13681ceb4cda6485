/**
 * A macOS configuration profile (Jamf, Kandji, or any MDM; double-click for a test Mac)
 * with two custom-settings payloads: the browser's own preference domain
 * (`com.google.Chrome`: `ExtensionSettings` force-installs the extension) and the
 * extension's (`com.google.Chrome.extensions.<id>`: its managed keys, which Chromium
 * hands to `chrome.storage.managed`). Identifiers derive from the extension ID and UUIDs
 * from the identifiers, so re-exporting gives a profile that replaces, not duplicates.
 * https://developer.apple.com/documentation/devicemanagement/toplevel
 */
import { createHash } from 'node:crypto';
import { BROWSERS, extensionSettings, type Browser, type DeployPolicy } from './deploy-policy';
import { plistXml } from './plist-xml';

/** A name-based (version 5 layout) UUID: stable for the same identifier. */
export function stableUuid(name: string): string {
  const bytes = createHash('sha1').update(`session-guard:${name}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex').toUpperCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function payload(identifier: string, type: string, displayName: string, content: Record<string, unknown>) {
  return {
    PayloadType: type,
    PayloadVersion: 1,
    PayloadIdentifier: identifier,
    PayloadUUID: stableUuid(identifier),
    PayloadDisplayName: displayName,
    PayloadEnabled: true,
    ...content,
  };
}

export function macosProfile(policy: DeployPolicy, browser: Browser): Record<string, unknown> {
  const { name, macDomain } = BROWSERS[browser];
  const base = `org.sessionguard.${browser}.${policy.extensionId}`;
  const extensionDomain = `${macDomain}.extensions.${policy.extensionId}`;
  return {
    PayloadType: 'Configuration',
    PayloadVersion: 1,
    PayloadIdentifier: base,
    PayloadUUID: stableUuid(base),
    PayloadDisplayName: `Session Guard (${name})`,
    PayloadDescription: `Force-installs the Session Guard extension in ${name} and points it at ${policy.settings.backendUrl}.`,
    PayloadOrganization: 'Session Guard',
    PayloadScope: 'System',
    PayloadRemovalDisallowed: true,
    PayloadContent: [
      payload(`${base}.browser`, macDomain, `${name}: force-install Session Guard`, {
        ExtensionSettings: extensionSettings(policy),
      }),
      payload(`${base}.extension`, extensionDomain, 'Session Guard: managed settings', { ...policy.settings }),
    ],
  };
}

export function macosMobileconfig(policy: DeployPolicy, browser: Browser): string {
  return plistXml(macosProfile(policy, browser));
}
