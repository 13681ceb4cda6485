import { afterEach, describe, expect, it, vi } from 'vitest';
import { browser } from 'wxt/browser';
import { CLOCK_SLACK_MS, createNavigationBridge } from '@/src/extension/session-vault/navigation-bridge';
import { navigationWithVaultCookie } from '@/src/extension/session-vault/vault-rules';

const D = 'xoxd-NeW';
const T = Date.parse('2026-11-30T12:00:00Z');
type Listener = (
  details: Record<string, unknown>,
) => { requestHeaders?: { name: string; value?: string }[] } | undefined;

/** The bridge's two listeners, as Chromium would call them, with the vault's state in hand. */
function bridgeWith(state: { held: string | null; rules: string | null }) {
  let start: Listener | undefined;
  let send: Listener | undefined;
  vi.spyOn(browser.webRequest.onBeforeRequest, 'addListener').mockImplementation(((l: Listener) => {
    start = l;
  }) as never);
  vi.spyOn(browser.webRequest.onBeforeSendHeaders, 'addListener').mockImplementation(((l: Listener) => {
    send = l;
  }) as never);
  const bridge = createNavigationBridge(
    () => state.held,
    () => state.rules,
  );
  bridge.listen();
  /** A hop of navigation `requestId` starts: Chromium stamps it (and matches the rules) at `at`. */
  const hop = (requestId: string, at: number) =>
    start!({ requestId, timeStamp: at, type: 'main_frame', method: 'GET' });
  const headers = (requestId: string) =>
    send!({
      requestId,
      timeStamp: Date.now(),
      type: 'main_frame',
      method: 'GET',
      requestHeaders: [{ name: 'Cookie', value: 'b=1' }],
    })?.requestHeaders;
  return { bridge, hop, headers };
}

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe('the navigation bridge (the redirect after a sign-in set d)', () => {
  it('carries d on a hop that started before the rules were confirmed, though the worker heard of it after', () => {
    vi.useFakeTimers({ now: T });
    const state = { held: D, rules: null as string | null };
    const { bridge, hop, headers } = bridgeWith(state);
    // The flake: Chromium starts the 302's hop to /checkcookie at T, the rules land at
    // T+3 and the worker hears of the hop only then.
    vi.advanceTimersByTime(3);
    state.rules = D;
    bridge.rulesLive();
    hop('10', T);
    vi.advanceTimersByTime(5_000); // however late its headers go, the hop's start decides
    expect(headers('10')).toEqual([{ name: 'Cookie', value: `b=1; d=${D}` }]);
  });

  it('bridges every hop while the rules are still pending', () => {
    vi.useFakeTimers({ now: T });
    const { hop, headers } = bridgeWith({ held: D, rules: 'xoxd-OLD' });
    hop('13', T + 60_000);
    expect(headers('13')).toEqual([{ name: 'Cookie', value: `b=1; d=${D}` }]);
  });

  it('leaves to the rules a hop that started after they were confirmed, and does nothing with an empty vault', () => {
    vi.useFakeTimers({ now: T });
    const state = { held: D as string | null, rules: D as string | null };
    const { bridge, hop, headers } = bridgeWith(state);
    bridge.rulesLive();
    hop('11', T + CLOCK_SLACK_MS + 1);
    expect(headers('11')).toBeUndefined();
    hop('10', T); // the previous hop of the same navigation no longer counts once its headers went
    expect(headers('10')).toEqual([{ name: 'Cookie', value: `b=1; d=${D}` }]);
    hop('10', T + 1_000);
    expect(headers('10')).toBeUndefined();
    state.held = null;
    state.rules = null;
    hop('12', T - 1_000);
    expect(headers('12')).toBeUndefined();
  });
});

describe('which navigations get d (SameSite=Lax)', () => {
  it('a top-level GET from anywhere; a POST or a frame only from a Slack page', () => {
    const from = (initiator: string | undefined, type: string, method: string) =>
      navigationWithVaultCookie({ type, method, initiator, requestHeaders: [] }, D) !== null;
    expect(from('https://evil.example', 'main_frame', 'GET')).toBe(true);
    expect(from(undefined, 'main_frame', 'HEAD')).toBe(true);
    expect(from('https://slack.com', 'main_frame', 'POST')).toBe(true);
    expect(from('https://evil.example', 'main_frame', 'POST')).toBe(false);
    expect(from('https://app.slack.com', 'sub_frame', 'GET')).toBe(true);
    expect(from('https://evil.example', 'sub_frame', 'GET')).toBe(false);
  });
});
