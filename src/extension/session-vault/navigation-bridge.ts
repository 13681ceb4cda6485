/**
 * Issue #13: the vault's `d` on navigations that start before its request rules are live.
 * Chromium matches declarativeNetRequest rules when a request, or each hop of a redirect,
 * starts (onBeforeRequest), and `updateSessionRules` resolves a few ms after the response
 * that set `d` was handled: the sign-in's 302 to /checkcookie started in that gap about one
 * time in six and reached Slack without `d`, so Slack sent the user back to /signin. This
 * blocking onBeforeSendHeaders, registered once at startup (a listener added while the
 * redirect is in flight came too late), appends `d` to a Slack navigation hop that started
 * (its onBeforeRequest time stamp, the moment Chromium matched the rules) before the rules
 * carrying the held value were confirmed. The worker's own order of events cannot say
 * this: it often heard of such a hop only after the confirmation. A second `d=` with the
 * same value is harmless; a missing one sends the user to sign in. It runs JavaScript only
 * on navigations (rare); API calls and files keep the rules alone (docs/session-vault.md).
 */
import { browser } from 'wxt/browser';
import { navigationWithVaultCookie } from './vault-rules';

const SLACK_HTTP = ['https://slack.com/*', 'https://*.slack.com/*'];
const NAVIGATION_TYPES = ['main_frame', 'sub_frame'];
/** Whole milliseconds in the worker, fractions in Chromium's stamps: err towards carrying `d`. */
export const CLOCK_SLACK_MS = 50;
/** Hop starts older than this are dropped (a navigation that never sent its headers). */
const FORGET_MS = 60_000;

type Header = { name: string; value?: string };
interface Navigation {
  requestId: string;
  /** Milliseconds since the epoch when Chromium raised the event. */
  timeStamp: number;
  type: string;
  method: string;
  initiator?: string;
  requestHeaders?: Header[];
}

/** `held`: the vault's `d` (null when off or empty); `rules`: the value the live rules carry. */
export function createNavigationBridge(held: () => string | null, rules: () => string | null) {
  /** Each navigation's latest hop: when it started (Chromium's clock, the wall clock). */
  const hopStarted = new Map<string, number>();
  /** Wall-clock time the rules for the held value were confirmed (updateSessionRules resolved). */
  let liveAt = Number.NEGATIVE_INFINITY;
  const pending = () => held() !== null && held() !== rules();

  const onStart = ({ requestId, timeStamp }: { requestId: string; timeStamp: number }) => {
    hopStarted.set(requestId, timeStamp);
    for (const [id, at] of hopStarted) if (at < timeStamp - FORGET_MS) hopStarted.delete(id);
  };

  const onSend = (details: Navigation) => {
    const started = hopStarted.get(details.requestId);
    hopStarted.delete(details.requestId);
    const value = held();
    if (value === null) return undefined;
    // Started no later than the confirmation: the rules may not have been live when
    // Chromium matched them for this hop (the confirmation is sent after they are).
    if (!pending() && (started === undefined || started > liveAt + CLOCK_SLACK_MS)) return undefined;
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
