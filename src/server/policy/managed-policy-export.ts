/**
 * The managed policy an admin deploys (DESIGN.md, "policy export"; issue #6), in each
 * form their tooling takes. Every form carries the same thing (deploy/deploy-policy.ts):
 * force-install the extension from its update URL, and hand it backend URL, enrollment
 * token and verdict public key. `chrome-linux` is the JSON file Chromium reads from
 * /etc/chromium/policies/managed/ (Chrome: /etc/opt/chrome/…, Edge: /etc/opt/edge/…).
 */
import {
  extensionSettings,
  resolveDeployPolicy,
  type Browser,
  type DeployPolicy,
  type ManagedPolicyInput,
} from '../deploy/deploy-policy';
import { firefoxPolicies } from '../deploy/firefox-policy';
import { googleAdminPolicy } from '../deploy/google-admin';
import { macosMobileconfig } from '../deploy/macos-mobileconfig';
import { regFileBytes, windowsReg } from '../deploy/windows-reg';
import { DEFAULT_GECKO_ID } from '../../shared/gecko-id';

export type { ManagedPolicyInput } from '../deploy/deploy-policy';

const geckoIdFrom = (input: ManagedPolicyInput) => input.geckoId ?? DEFAULT_GECKO_ID;

export const EXPORT_FORMATS = ['chrome-linux', 'windows-reg', 'macos-mobileconfig', 'google-admin', 'firefox'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportFile {
  /** The file name `--out DIR` writes. */
  name: string;
  /** The browser the file is for; `any` when one file serves them all. */
  browser: Browser | 'any';
  /** What stdout shows. */
  text: string;
  /** What `--out DIR` writes (regedit's own encoding for .reg files). */
  bytes: Buffer;
}

function chromeLinux(policy: DeployPolicy): Record<string, unknown> {
  return {
    ExtensionSettings: extensionSettings(policy),
    '3rdparty': { extensions: { [policy.extensionId]: policy.settings } },
  };
}

export function chromeLinuxPolicy(input: ManagedPolicyInput): Record<string, unknown> {
  return chromeLinux(resolveDeployPolicy(input));
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
const utf8 = (name: string, browser: ExportFile['browser'], text: string): ExportFile => ({
  name,
  browser,
  text,
  bytes: Buffer.from(text, 'utf8'),
});
const perBrowser = (make: (browser: Browser) => ExportFile): ExportFile[] => [make('chrome'), make('edge')];

/** Every file of one format; throws PolicyInputError when the input does not validate. */
export function exportManagedPolicy(format: ExportFormat, input: ManagedPolicyInput): ExportFile[] {
  const policy = resolveDeployPolicy(input);
  switch (format) {
    case 'chrome-linux':
      return [utf8('session-guard.json', 'any', json(chromeLinux(policy)))];
    case 'google-admin':
      return [utf8('session-guard-google-admin.json', 'chrome', json(googleAdminPolicy(policy)))];
    case 'windows-reg':
      return perBrowser((browser) => {
        const text = windowsReg(policy, browser);
        return { name: `session-guard-${browser}.reg`, browser, text, bytes: regFileBytes(text) };
      });
    case 'firefox':
      return [utf8('policies.json', 'any', json(firefoxPolicies(policy, geckoIdFrom(input))))];
    case 'macos-mobileconfig':
      return perBrowser((browser) =>
        utf8(`session-guard-${browser}.mobileconfig`, browser, macosMobileconfig(policy, browser)),
      );
  }
}
