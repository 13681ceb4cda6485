import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { claimHeartbeat, HEARTBEAT_INTERVAL_MS } from '@/src/extension/heartbeat';
import { landingUrl, openExplanationOnClick } from '@/src/extension/termination';

const T = 1_800_000_000_000;

describe('heartbeat', () => {
  beforeEach(() => fakeBrowser.reset());

  it('is due at the start of a browser session, then once per interval', async () => {
    expect(await claimHeartbeat(T)).toBe(true);
    expect(await claimHeartbeat(T + 60_000)).toBe(false);
    expect(await claimHeartbeat(T + HEARTBEAT_INTERVAL_MS)).toBe(true);
  });

  it('is claimed by one of several concurrent callers', async () => {
    const claims = await Promise.all([claimHeartbeat(T), claimHeartbeat(T), claimHeartbeat(T)]);

    expect(claims.filter(Boolean)).toHaveLength(1);
  });
});

describe('notification click', () => {
  beforeEach(() => fakeBrowser.reset());

  it('opens the explanation page for that verdict', async () => {
    const create = vi.spyOn(fakeBrowser.tabs, 'create');
    openExplanationOnClick();

    await fakeBrowser.notifications.onClicked.trigger('verdict-1234');
    await fakeBrowser.notifications.onClicked.trigger('something-else');

    expect(create).toHaveBeenCalledOnce();
    expect(create).toHaveBeenCalledWith({ url: landingUrl('1234') });
  });
});
