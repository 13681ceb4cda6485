/**
 * Issue #13: the vault's `d` on navigations that start before its request rules are live.
 * Chromium matches declarativeNetRequest rules when a request, or each hop of a redirect,
 * starts (onBeforeRequest), and `updateSessionRules` resolves a few ms after the response
 * that set `d` was handled: the sign-in's 302 to /checkcookie started in that gap about one
 * time in six and reached Slack without `d`, so Slack sent the user back to /signin. This
 * blocking onBeforeSendHeaders, registered once at startup (a listener added while the
 * redirect is in flight came too late), appends `d` to Slack navigations that started
 * while the rules were not yet those of the held value. It runs JavaScript only on
 * navigations (rare); API calls and files keep the rules alone (docs/session-vault.md).
 */
import { browser } from 'wxt/browser';
import { navigationWithVaultCookie } from './vault-rules';

const SLACK_HTTP = ['https://slack.com/*', 'https://*.slack.com/*'];
const NAVIGATION_TYPES = ['main_frame', 'sub_frame'];
/**
 * After the rules are live the bridge keeps carrying `d` this long, in case a hop's start
 * reached the worker after the rules' confirmation; a second `d=` with the same value is
 * harmless, a missing one sends the user to sign in.
 */
export const BRIDGE_TAIL_MS = 1_000;
/** Started-before-rules marks older than this are dropped (a navigation long over). */
const FORGET_MS = 60_000;

type Header = { name: string; value?: string };
interface Navigation {
  requestId: string;
  type: string;
  method: string;
  initiator?: string;
  requestHeaders?: Header[];
}

/** `held`: the vault's `d` (null when off or empty); `rules`: the value the live rules carry. */
export function createNavigationBridge(held: () => string | null, rules: () => string | null) {
  const startedBeforeRules = new Map<string, number>();
  let liveAt = Number.NEGATIVE_INFINITY;
  const pending = () => held() !== null && held() !== rules();

  const onStart = ({ requestId }: { requestId: string }) => {
    const now = Date.now();
    if (!pending()) return void startedBeforeRules.delete(requestId);
    startedBeforeRules.set(requestId, now);
    for (const [id, at] of startedBeforeRules) if (at < now - FORGET_MS) startedBeforeRules.delete(id);
  };

  const onSend = (details: Navigation) => {
    const value = held();
    if (value === null) return undefined;
    const needed = pending() || startedBeforeRules.has(details.requestId) || Date.now() - liveAt < BRIDGE_TAIL_MS;
    if (!needed) return undefined;
    const headers = navigationWithVaultCookie(details, value);
    return headers ? { requestHeaders: headers } : undefined;
  };

  return {
    /** Registers both listeners; call synchronously at worker start (throws without blocking webRequest). */
    listen(): void {
      const filter = { urls: SLACK_HTTP, types: NAVIGATION_TYPES as never };
      browser.webRequest.onBeforeRequest.addListener(onStart as never, filter);
      browser.webRequest.onBeforeSendHeaders.addListener(onSend as never, filter, [
        'blocking',
        'requestHeaders',
        'extraHeaders',
      ] as never);
    },
    /** The rules now carry the held value (updateSessionRules resolved). */
    rulesLive(): void {
      liveAt = Date.now();
    },
  };
}
