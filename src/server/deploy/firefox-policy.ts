/**
 * `policy export --format firefox` (issue 15): the `policies.json` Firefox reads (from
 * its installation's `distribution/` folder, or /etc/firefox/policies/ on Linux; the same
 * keys go into GPO/Intune and macOS profiles, docs/deploy.md). Force-installs the XPI the
 * backend serves and hands the extension its managed settings under
 * `3rdparty.Extensions.<gecko id>`, which Firefox gives it as `storage.managed`.
 * https://mozilla.github.io/policy-templates/#extensionsettings
 */
import { XPI_PATH } from '../routes/firefox-package';
import type { DeployPolicy } from './deploy-policy';

export function firefoxPolicies(policy: DeployPolicy, geckoId: string): Record<string, unknown> {
  return {
    policies: {
      ExtensionSettings: {
        [geckoId]: {
          installation_mode: 'force_installed',
          install_url: `${policy.settings.backendUrl}${XPI_PATH}`,
        },
      },
      '3rdparty': { Extensions: { [geckoId]: policy.settings } },
    },
  };
}
