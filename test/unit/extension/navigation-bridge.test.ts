import { afterEach, describe, expect, it, vi } from 'vitest';
import { browser } from 'wxt/browser';
import { BRIDGE_TAIL_MS, createNavigationBridge } from '@/src/extension/session-vault/navigation-bridge';
import { navigationWithVaultCookie } from '@/src/extension/session-vault/vault-rules';

const D = 'xoxd-NeW';
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
  const hop = (requestId: string) => start!({ requestId, type: 'main_frame', method: 'GET' });
  const headers = (requestId: string) =>
    send!({ requestId, type: 'main_frame', method: 'GET', requestHeaders: [{ name: 'Cookie', value: 'b=1' }] })
      ?.requestHeaders;
  return { bridge, hop, headers };
}

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe('the navigation bridge (the redirect after a sign-in set d)', () => {
  it('carries d on a hop that started before the rules for it were live, even when they land before its headers go', () => {
    vi.useFakeTimers();
    const state = { held: D, rules: null as string | null };
    const { bridge, hop, headers } = bridgeWith(state);
    hop('10'); // the 302 to /checkcookie starts: the rules are still the old ones
    state.rules = D; // updateSessionRules resolves before the hop's headers are sent (the flake)
    bridge.rulesLive();
    vi.advanceTimersByTime(BRIDGE_TAIL_MS + 1); // the hop's own mark carries it, not the tail
    expect(headers('10')).toEqual([{ name: 'Cookie', value: `b=1; d=${D}` }]);
  });

  it('leaves navigations to the rules once they are live and the tail is over, and does nothing with an empty vault', () => {
    vi.useFakeTimers();
    const state = { held: D as string | null, rules: D as string | null };
    const { bridge, hop, headers } = bridgeWith(state);
    bridge.rulesLive();
    vi.advanceTimersByTime(BRIDGE_TAIL_MS + 1);
    hop('11');
    expect(headers('11')).toBeUndefined();
    state.held = null;
    state.rules = null;
    hop('12');
    expect(headers('12')).toBeUndefined();
  });

  it('bridges every hop while the rules are still pending', () => {
    const { hop, headers } = bridgeWith({ held: D, rules: 'xoxd-OLD' });
    hop('13');
    expect(headers('13')).toEqual([{ name: 'Cookie', value: `b=1; d=${D}` }]);
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
