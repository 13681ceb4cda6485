/**
 * Firefox names an extension by `browser_specific_settings.gecko.id` (there is no manifest
 * key to derive an ID from). The build, `policy export --format firefox`, the XPI the
 * backend serves and the Sign in with Slack redirect check all use this one value; an org
 * sets its own with SESSION_GUARD_GECKO_ID (docs/firefox.md).
 */
export const DEFAULT_GECKO_ID = 'session-guard@session-guard.org';

export function geckoIdFrom(env: Record<string, string | undefined>): string {
  return env.SESSION_GUARD_GECKO_ID || DEFAULT_GECKO_ID;
}
