import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { findBreach, localCapFrom, type LocalCap } from '@/src/extension/local-cap';
import { LocalEnforcer } from '@/src/extension/local-enforcement';
import { fakePolicy } from './fakes';

const T = 1_800_000_000_000;
const cap: LocalCap = { maxFiles: 3, maxBytes: 1_000, windowSeconds: 60 };
const files = (n: number, at = T, bytes = 10) => Array.from({ length: n }, (_, i) => ({ at: at + i, bytes }));

describe('local caps', () => {
  it('exist only when managed policy sets one, with a ten-minute window by default', () => {
    expect(localCapFrom(fakePolicy())).toBeNull();
    expect(localCapFrom(fakePolicy({ localMaxFilesPerWindow: 5 }))).toEqual({
      maxFiles: 5,
      maxBytes: null,
      windowSeconds: 600,
    });
  });

  it('break when more files than the cap fall in the window, not at the cap', () => {
    expect(findBreach(files(3), cap, T + 10)).toBeNull();
    expect(findBreach(files(4), cap, T + 10)).toMatchObject({ rule: 'localMaxFilesPerWindow', observed: 4, limit: 3 });
  });

  it('forget downloads older than the window', () => {
    expect(findBreach([...files(2, T - 61_000), ...files(3)], cap, T + 10)).toBeNull();
  });

  it('break on bytes too', () => {
    expect(findBreach(files(2, T, 600), cap, T + 10)).toMatchObject({
      rule: 'localMaxBytesPerWindow',
      observed: 1_200,
      limit: 1_000,
    });
  });
});

describe('local enforcement', () => {
  beforeEach(() => fakeBrowser.reset());

  const enforcer = (unreachable: boolean) => {
    const enforce = vi.fn(async () => undefined);
    const local = new LocalEnforcer({ cap, backendUnreachable: () => unreachable, enforce, now: () => T + 100 });
    return { local, enforce };
  };

  it('ends the session when the cap breaks while the backend is unreachable', async () => {
    const { local, enforce } = enforcer(true);

    for (const f of files(4)) await local.observe(f.at, f.bytes);
    const breach = await local.check();

    expect(breach).toMatchObject({ rule: 'localMaxFilesPerWindow', observed: 4 });
    expect(enforce).toHaveBeenCalledOnce();
  });

  it('leaves the decision to the backend while it answers', async () => {
    const { local, enforce } = enforcer(false);

    for (const f of files(10)) await local.observe(f.at, f.bytes);

    expect(await local.check()).toBeNull();
    expect(enforce).not.toHaveBeenCalled();
  });

  it('starts a fresh window after enforcing, so one burst ends one session', async () => {
    const { local, enforce } = enforcer(true);
    for (const f of files(4)) await local.observe(f.at, f.bytes);

    await local.check();
    await local.check();

    expect(enforce).toHaveBeenCalledOnce();
  });

  it('keeps counting across service-worker restarts (the window is in storage)', async () => {
    const first = enforcer(true);
    for (const f of files(2)) await first.local.observe(f.at, f.bytes);

    const second = enforcer(true);
    for (const f of files(2, T + 50)) await second.local.observe(f.at, f.bytes);

    expect(await second.local.check()).toMatchObject({ observed: 4 });
  });

  it('counts concurrent downloads without losing one', async () => {
    const { local } = enforcer(true);

    await Promise.all(files(4).map((f) => local.observe(f.at, f.bytes)));

    expect(await local.check()).toMatchObject({ observed: 4 });
  });
});
