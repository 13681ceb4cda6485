/**
 * Which URLs are Slack's. Pure, so collectors and tests share one answer.
 */

/** Match patterns for webRequest filters: Slack's pages and API. */
export const SLACK_PAGE_PATTERNS = ['https://slack.com/*', 'https://*.slack.com/*'];
/** Hosts that serve Slack files (uploads, previews, downloads). */
export const SLACK_FILE_PATTERNS = [
  'https://files.slack.com/*',
  'https://slack-files.com/*',
  'https://*.slack-files.com/*',
];

export function hostOf(url: string): string | null {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return null;
  }
}

export function isSlackHost(host: string): boolean {
  return host === 'slack.com' || host.endsWith('.slack.com');
}

export function isSlackFileHost(host: string): boolean {
  return host === 'files.slack.com' || host === 'slack-files.com' || host.endsWith('.slack-files.com');
}

export type SigninStep = 'signin' | 'checkcookie' | 'sso' | 'magic_link';

/** A top-level navigation that is part of signing in to Slack, or null. */
export function signinStep(url: string): SigninStep | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (!isSlackHost(parsed.hostname.toLowerCase())) return null;
  const path = parsed.pathname.toLowerCase();
  if (path === '/signin' || path.startsWith('/signin/') || path.startsWith('/workspace-signin')) return 'signin';
  if (path.startsWith('/checkcookie')) return 'checkcookie';
  if (path.startsWith('/sso/')) return 'sso';
  if (path.includes('/z-app-') || /\/t\/[^/]+\/login\//.test(path)) return 'magic_link';
  return null;
}

/** The origins whose site data belongs to a Slack session: for browsingData.remove. */
export function slackOrigins(hosts: Iterable<string>): string[] {
  const origins = new Set(['https://slack.com', 'https://app.slack.com', 'https://files.slack.com']);
  for (const raw of hosts) {
    const host = raw.replace(/^\./, '').toLowerCase();
    if (isSlackHost(host) || isSlackFileHost(host)) origins.add(`https://${host}`);
  }
  return [...origins];
}
