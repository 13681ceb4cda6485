/**
 * clearSlackCookies over several cookie stores (issue #16 made the listing start with the
 * worker's own store while the stores are enumerated): every Slack cookie in every store
 * goes, `d` first, nothing else is touched, and `d` is handed on before anything is removed.
 * wxt/testing has no cookies API, so this is a small in-memory jar with Chromium's shapes.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { clearSlackCookies } from '@/src/extension/slack-session';

interface JarCookie {
  name: string;
  value: string;
  domain: string;
  path: string;
  storeId: string;
}

function installJar(stores: string[], cookies: JarCookie[]) {
  const jar = [...cookies];
  const removed: string[] = [];
  const calls: string[] = [];
  const matches = (c: JarCookie, domain: string) =>
    c.domain.replace(/^\./, '') === domain || c.domain.replace(/^\./, '').endsWith(`.${domain}`);
  Object.assign(fakeBrowser.cookies, {
    getAllCookieStores: vi.fn(async () => {
      calls.push('stores');
      return stores.map((id) => ({ id, tabIds: [] }));
    }),
    getAll: vi.fn(async ({ domain, storeId }: { domain: string; storeId?: string }) => {
      calls.push(`getAll ${domain} ${storeId ?? '(own)'}`);
      return jar.filter((c) => c.storeId === (storeId ?? stores[0]) && matches(c, domain)).map((c) => ({ ...c }));
    }),
    remove: vi.fn(async ({ url, name, storeId }: { url: string; name: string; storeId: string }) => {
      const host = new URL(url).hostname;
      const i = jar.findIndex((c) => c.name === name && c.storeId === storeId && c.domain.replace(/^\./, '') === host);
      if (i >= 0) removed.push(`${storeId}:${jar.splice(i, 1)[0]!.name}@${host}`);
      return { url, name, storeId };
    }),
  });
  return { jar, removed, calls };
}

const cookie = (storeId: string, name: string, domain: string, value = 'v'): JarCookie => ({
  name,
  value,
  domain,
  path: '/',
  storeId,
});

describe('clearSlackCookies across cookie stores', () => {
  beforeEach(() => fakeBrowser.reset());

  it('removes every Slack cookie in the own store and in incognito, d first, and nothing else', async () => {
    const { jar, removed } = installJar(
      ['0', '1'],
      [
        cookie('0', 'b', '.slack.com'),
        cookie('0', 'd', '.slack.com', 'xoxd-own'),
        cookie('0', 'x', 'files.slack-files.com'),
        cookie('1', 'd-s', '.slack.com'),
        cookie('1', 'lc', 'acme.slack.com'),
        cookie('0', 'sid', '.example.com'),
        cookie('1', 'sid', '.example.org'),
      ],
    );
    const handedOn: (string | null)[] = [];
    const result = await clearSlackCookies(async (d) => {
      handedOn.push(d);
      expect(removed).toEqual([]); // nothing is removed before `d` is handed on
    });
    expect(handedOn).toEqual(['xoxd-own']);
    expect(result.sessionCookie).toBe('xoxd-own');
    expect(result.cleared).toBe(5);
    expect(removed[0]).toBe('0:d@slack.com');
    expect(removed.sort()).toEqual(
      ['0:b@slack.com', '0:d@slack.com', '0:x@files.slack-files.com', '1:d-s@slack.com', '1:lc@acme.slack.com'].sort(),
    );
    expect(jar.map((c) => `${c.storeId}:${c.name}`).sort()).toEqual(['0:sid', '1:sid']);
  });

  it('lists a store again only when the own listing did not cover it', async () => {
    const { calls, removed } = installJar(['0', '1'], [cookie('0', 'd', '.slack.com', 'xoxd-a')]);
    await clearSlackCookies();
    expect(calls.filter((c) => c.startsWith('getAll')).sort()).toEqual(
      [
        'getAll slack-files.com (own)',
        'getAll slack.com (own)',
        'getAll slack-files.com 1',
        'getAll slack.com 1',
      ].sort(),
    );
    expect(removed).toEqual(['0:d@slack.com']);
  });

  it('finds cookies only in another store when the own one holds none', async () => {
    const { removed } = installJar(['0', '1'], [cookie('1', 'd', '.slack.com', 'xoxd-incognito')]);
    const result = await clearSlackCookies();
    expect(result.sessionCookie).toBe('xoxd-incognito');
    expect(removed).toEqual(['1:d@slack.com']);
  });
});

describe('clearSlackCookies: when the session ended', () => {
  beforeEach(() => fakeBrowser.reset());

  it('is when every d was gone, not when the last other cookie went; null without a d', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const { removed } = installJar(
        ['0', '1'],
        [
          cookie('0', 'd', '.slack.com', 'xoxd-a'),
          cookie('1', 'd', '.slack.com', 'xoxd-b'),
          cookie('0', 'b', '.slack.com'),
        ],
      );
      // Every cookie but `d` goes a macrotask later, when the clock says 2,000: the `d`s go
      // (and their microtasks run) at 1,000.
      const remove = fakeBrowser.cookies.remove as unknown as (details: { name: string }) => Promise<unknown>;
      fakeBrowser.cookies.remove = (async (details: { name: string }) => {
        if (details.name !== 'd') {
          await new Promise((resolve) => setTimeout(resolve, 5));
          vi.setSystemTime(2_000);
        }
        return remove(details);
      }) as never;
      vi.setSystemTime(1_000);
      const clearing = clearSlackCookies();
      const result = await clearing;
      expect(removed).toContain('0:b@slack.com');
      expect(result.sessionRemovedAt).toBe(1_000);

      installJar(['0'], [cookie('0', 'b', '.slack.com')]);
      expect((await clearSlackCookies()).sessionRemovedAt).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });
});
