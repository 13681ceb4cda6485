/**
 * What every export format carries, resolved once: the extension ID, where browsers fetch
 * it (`update_url`), and its managed settings (backend URL, enrollment token, verdict
 * public key, plus any tuning keys), checked against the schema the extension reads them
 * with. Formats only differ in how they write this down.
 */
import { ManagedPolicy } from '../../shared/policy/managed-policy';

export const BROWSERS = {
  chrome: { name: 'Google Chrome', registryKey: 'SOFTWARE\\Policies\\Google\\Chrome', macDomain: 'com.google.Chrome' },
  edge: { name: 'Microsoft Edge', registryKey: 'SOFTWARE\\Policies\\Microsoft\\Edge', macDomain: 'com.microsoft.Edge' },
} as const;
export type Browser = keyof typeof BROWSERS;
export const BROWSER_NAMES = Object.keys(BROWSERS) as Browser[];

/** The keys `policy export` fills in itself; a settings file may not set them. */
export const EXPORT_OWNED_KEYS = ['backendUrl', 'enrollmentToken', 'verdictPublicKey', 'verdictPublicKeys'] as const;

export interface ManagedPolicyInput {
  extensionId: string;
  /** Firefox's extension id (`policy export --format firefox`); default DEFAULT_GECKO_ID. */
  geckoId?: string;
  backendUrl: string;
  enrollmentToken: string;
  verdictPublicKey: string;
  /** After a rotation: every key a verdict may be signed with, newest first (docs/adr/0003). */
  verdictPublicKeys?: string[];
  /** Where browsers fetch the CRX; default: this backend's own update manifest. */
  updateUrl?: string;
  /** Optional managed keys (tuning), e.g. `{ pollIntervalSeconds: 60 }`. */
  settings?: Record<string, unknown>;
}

export interface DeployPolicy {
  extensionId: string;
  updateUrl: string;
  settings: ManagedPolicy;
}

export class PolicyInputError extends Error {}

/** Chromium holds policy integers as 32-bit signed values; larger ones fail its schema check. */
export const MAX_POLICY_INTEGER = 0x7fffffff;

export function resolveDeployPolicy(input: ManagedPolicyInput): DeployPolicy {
  const extra = input.settings ?? {};
  const known = new Set(Object.keys(ManagedPolicy.shape));
  for (const key of Object.keys(extra)) {
    if ((EXPORT_OWNED_KEYS as readonly string[]).includes(key))
      throw new PolicyInputError(`settings: ${key} is filled in by policy export`);
    if (!known.has(key)) throw new PolicyInputError(`settings: unknown managed policy key "${key}"`);
  }
  const result = ManagedPolicy.safeParse({
    ...extra,
    backendUrl: input.backendUrl,
    enrollmentToken: input.enrollmentToken,
    verdictPublicKey: input.verdictPublicKey,
    ...(input.verdictPublicKeys ? { verdictPublicKeys: input.verdictPublicKeys } : {}),
  });
  if (!result.success) {
    throw new PolicyInputError(
      result.error.issues.map((i) => `${i.path.join('.') || 'settings'}: ${i.message}`).join('; '),
    );
  }
  const settings = result.data;
  for (const [key, value] of Object.entries(settings)) {
    if (Number.isInteger(value) && Math.abs(value as number) > MAX_POLICY_INTEGER) {
      throw new PolicyInputError(
        `${key}: ${value} is larger than a browser policy integer can be (${MAX_POLICY_INTEGER})`,
      );
    }
  }
  return {
    extensionId: input.extensionId,
    updateUrl: input.updateUrl ?? `${settings.backendUrl}/extension/updates.xml`,
    settings,
  };
}

/**
 * The `ExtensionSettings` policy value: force-install from `update_url`, and keep updating
 * from it. Without `override_update_url` Chromium takes later updates from the manifest's
 * own `update_url`, which a build cannot know (the backend URL is deployment data), so it
 * would fall back to the Chrome Web Store and never see a new version.
 * https://chromeenterprise.google/policies/#ExtensionSettings
 */
export function extensionSettings(policy: DeployPolicy): Record<string, unknown> {
  return {
    [policy.extensionId]: {
      installation_mode: 'force_installed',
      update_url: policy.updateUrl,
      override_update_url: true,
    },
  };
}
