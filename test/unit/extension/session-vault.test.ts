import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { openLocalDb, resetLocalDbForTests } from '@/src/extension/local-db';
import { createSessionVault } from '@/src/extension/session-vault/session-vault';
import { readStatus } from '@/src/extension/status';

const D = 'xoxd-Vault0123';
const setCookie = (value: string) => ({
  url: 'https://slack.com/signin',
  responseHeaders: [{ name: 'set-cookie', value: `d=${value}; Domain=.slack.com; Path=/; Secure; HttpOnly` }],
});
type Handler = (details: any) => any;

/** The webRequest, cookies and DNR APIs wxt/testing lacks, recording what the vault does. */
function stubBrowser({ blocking = true } = {}) {
  const listeners = {
    start: [] as Handler[],
    headers: [] as Handler[],
    send: [] as Handler[],
    cookies: [] as Handler[],
  };
  const rules = new Map<number, unknown>();
  const store = new Map<string, { value: string }>();
  const event = (list: Handler[]) => ({
    addListener: vi.fn((fn: Handler, _filter: unknown, options?: string[]) => {
      list.push(fn);
    }),
    removeListener: vi.fn((fn: Handler) => list.splice(list.indexOf(fn) >>> 0, 1)),
    hasListener: (fn: Handler) => list.includes(fn),
  });
  Object.assign(fakeBrowser, {
    permissions: { contains: vi.fn(async () => blocking) },
    webRequest: {
      onBeforeRequest: event(listeners.start),
      onHeadersReceived: event(listeners.headers),
      onBeforeSendHeaders: event(listeners.send),
    },
    cookies: {
      onChanged: event(listeners.cookies),
      get: vi.fn(async ({ name }: { name: string }) => store.get(name) ?? null),
      remove: vi.fn(async ({ name }: { name: string }) => void store.delete(name)),
      set: vi.fn(async ({ name, value }: { name: string; value: string }) => void store.set(name, { value })),
    },
    declarativeNetRequest: {
      updateSessionRules: vi.fn(async ({ removeRuleIds, addRules }: { removeRuleIds: number[]; addRules: any[] }) => {
        for (const id of removeRuleIds) rules.delete(id);
        for (const rule of addRules) rules.set(rule.id, rule);
      }),
    },
  });
  return { listeners, rules, store };
}

let dbName = 0;
beforeEach(() => {
  fakeBrowser.reset();
  resetLocalDbForTests();
  void openLocalDb(`vault-test-${++dbName}`);
});

const flush = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('the session vault', () => {
  it('takes d out of Slack’s response, keeps it in storage.session and installs the rules that carry it', async () => {
    const { listeners, rules } = stubBrowser();
    const changed: (string | null)[] = [];
    const vault = createSessionVault({ sessionChanged: (v) => changed.push(v) });
    await vault.apply('memory');

    const answer = listeners.headers[0]!(setCookie(D));
    expect(answer.responseHeaders).toEqual([]);
    await flush();
    expect(await vault.current()).toBe(D);
    expect([...rules.values()]).toHaveLength(3);
    expect(JSON.stringify([...rules.values()])).toContain(`d=${D}`);
    expect((await fakeBrowser.storage.session.get('sessionVault')).sessionVault).toMatchObject({
      mode: 'memory',
      held: { value: D },
    });
    expect(changed).toContain(D);
    // The WebSocket handshake from a Slack page gets it.
    const ws = listeners.send[0]!({ initiator: 'https://app.slack.com', requestHeaders: [] });
    expect(ws.requestHeaders).toEqual([{ name: 'Cookie', value: `d=${D}` }]);
    expect((await readStatus())?.sessionVault).toEqual({ requested: 'memory', mode: 'memory', reason: null });
  });

  it('with the vault off, Slack’s response reaches the store untouched', async () => {
    const { listeners, rules } = stubBrowser();
    const vault = createSessionVault({ sessionChanged: () => undefined });
    await vault.apply('off');
    expect(listeners.headers[0]!(setCookie(D))).toBeUndefined();
    expect(rules.size).toBe(0);
    expect(await vault.current()).toBeNull();
  });

  it('moves a d already in the store when turned on, and a verdict empties it (rules, memory, disk)', async () => {
    const { rules, store } = stubBrowser();
    store.set('d', { value: D });
    const vault = createSessionVault({ sessionChanged: () => undefined });
    await vault.apply('sealed');
    expect(store.has('d')).toBe(false);
    expect(await vault.current()).toBe(D);

    expect(await vault.clear()).toBe(D);
    expect(rules.size).toBe(0);
    expect(await vault.current()).toBeNull();
    expect(((await fakeBrowser.storage.session.get('sessionVault')).sessionVault as { held: unknown }).held).toBeNull();
    expect(await (await openLocalDb()).get('vault', 'sealed')).toBeUndefined();
  });

  it('sealed: survives a restart (storage.session gone) and is not readable on disk; memory: does not', async () => {
    const stubbed = stubBrowser();
    const first = createSessionVault({ sessionChanged: () => undefined });
    await first.apply('sealed');
    stubbed.listeners.headers[0]!(setCookie(D));
    await flush();
    const sealed = await (await openLocalDb()).get('vault', 'sealed');
    expect(sealed).toBeDefined();
    expect(new TextDecoder('latin1').decode((sealed as { data: ArrayBuffer }).data)).not.toContain(D);
    const key = await (await openLocalDb()).get('vault', 'key');
    expect((key as { key: CryptoKey }).key.extractable).toBe(false);

    await fakeBrowser.storage.session.clear(); // the browser restarted
    stubBrowser();
    const afterRestart = createSessionVault({ sessionChanged: () => undefined });
    await afterRestart.apply('sealed');
    expect(await afterRestart.current()).toBe(D);

    await afterRestart.apply('memory'); // memory drops the disk copy
    await fakeBrowser.storage.session.clear();
    stubBrowser();
    const memoryRestart = createSessionVault({ sessionChanged: () => undefined });
    await memoryRestart.apply('memory');
    expect(await memoryRestart.current()).toBeNull();
  });

  it('where blocking webRequest is missing (an unpacked load) it stays off and says why', async () => {
    const { rules, store } = stubBrowser({ blocking: false });
    store.set('d', { value: D });
    const vault = createSessionVault({ sessionChanged: () => undefined });
    expect(await vault.available()).toBe(false);
    await vault.apply('memory');
    expect(store.get('d')?.value).toBe(D); // not half-working: the session stays where the browser keeps it
    expect(rules.size).toBe(0);
    const status = (await readStatus())?.sessionVault;
    expect(status).toMatchObject({ requested: 'memory', mode: 'off' });
    expect(status?.reason).toMatch(/did not install Session Guard by policy/);
  });

  it('moves a d Slack set that reached the store anyway, and leaves a foreign d for the detectors', async () => {
    const { listeners, store } = stubBrowser();
    const vault = createSessionVault({ sessionChanged: () => undefined });
    await vault.apply('memory');
    listeners.headers[0]!(setCookie('xoxd-fromSlack'));
    await flush();
    store.set('d', { value: 'xoxd-fromSlack' });
    listeners.cookies[0]!({ removed: false, cookie: { name: 'd', domain: '.slack.com', value: 'xoxd-fromSlack' } });
    await flush();
    expect(store.has('d')).toBe(false);

    store.set('d', { value: 'xoxd-injected' });
    listeners.cookies[0]!({ removed: false, cookie: { name: 'd', domain: '.slack.com', value: 'xoxd-injected' } });
    await flush();
    expect(store.get('d')?.value).toBe('xoxd-injected');
    expect(vault.owns('xoxd-injected')).toBe(false);
    expect(await vault.current()).toBe('xoxd-fromSlack');
  });
});
