/**
 * The Google Admin console's "Policy for extensions" JSON (Devices → Chrome → Apps &
 * extensions → the extension): each managed key as `{ "key": { "Value": v } }`. The
 * force-install itself is set in the console (installation policy "Force install",
 * custom update URL), which docs/deploy.md walks through.
 * https://support.google.com/chrome/a/answer/6177431
 */
import type { DeployPolicy } from './deploy-policy';

export function googleAdminPolicy(policy: DeployPolicy): Record<string, { Value: unknown }> {
  const wrapped: Record<string, { Value: unknown }> = {};
  for (const [key, value] of Object.entries(policy.settings)) {
    if (value !== undefined) wrapped[key] = { Value: value };
  }
  return wrapped;
}
