/**
 * The managed policy an admin deploys (DESIGN.md, "policy export"). `chrome-linux` is the
 * JSON file Chromium reads from /etc/chromium/policies/managed/: force-install the
 * extension and hand it its settings under `3rdparty.extensions.<id>`. The settings are
 * checked against the same schema the extension reads them with.
 */
import { ManagedPolicy } from '../../shared/policy/managed-policy';

export const EXPORT_FORMATS = ['chrome-linux', 'windows-reg', 'macos-mobileconfig', 'google-admin'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const SUPPORTED_FORMATS: readonly ExportFormat[] = ['chrome-linux'];

export interface ManagedPolicyInput {
  extensionId: string;
  backendUrl: string;
  enrollmentToken: string;
  verdictPublicKey: string;
}

export function chromeLinuxPolicy(input: ManagedPolicyInput): Record<string, unknown> {
  const settings = ManagedPolicy.parse({
    backendUrl: input.backendUrl,
    enrollmentToken: input.enrollmentToken,
    verdictPublicKey: input.verdictPublicKey,
  });
  return {
    ExtensionSettings: {
      [input.extensionId]: {
        installation_mode: 'force_installed',
        update_url: `${settings.backendUrl}/extension/updates.xml`,
      },
    },
    '3rdparty': { extensions: { [input.extensionId]: settings } },
  };
}
