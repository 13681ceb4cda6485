/**
 * The session vault (issue #13): Slack's `d` cookie never rests in the browser's cookie
 * store. A blocking onHeadersReceived takes Slack's `Set-Cookie: d=…` out of the response
 * (zero time in the store) and keeps the value in `storage.session` (and, `sealed`,
 * encrypted in IndexedDB); declarativeNetRequest session rules carry it on http(s) and a
 * blocking onBeforeSendHeaders on the WebSocket handshake, only where SameSite=Lax would
 * (vault-rules.ts). A navigation that starts before new rules are live (the redirect
 * that follows a sign-in's Set-Cookie) gets `d` from a blocking onBeforeSendHeaders
 * registered at startup (navigation-bridge.ts). Blocking webRequest exists only for
 * policy-installed extensions: where it is missing the vault stays off and the popup says
 * why. A `d` that reaches the store anyway (a worker cold start before the mode was read)
 * is moved at once if Slack's response set it; any other `d` in the store is foreign and
 * left for the detectors.
 */
import { browser } from 'wxt/browser';
import type { SessionVaultMode } from '@/src/shared/protocol';
import { openLocalDb } from '../local-db';
import { updateStatus } from '../status';
import { createNavigationBridge } from './navigation-bridge';
import { dropSealed, seal, unseal } from './vault-seal';
import { takeSessionCookie, VAULT_RULE_IDS, vaultRules, withVaultCookie } from './vault-rules';

const KEY = 'sessionVault';
const SLACK_HTTP = ['https://slack.com/*', 'https://*.slack.com/*'];
const SLACK_WS = ['wss://slack.com/*', 'wss://*.slack.com/*'];
const HTTP_TYPES = ['main_frame', 'sub_frame', 'xmlhttprequest', 'other'];
/** How long a `d` Slack set (but we did not strip) still counts as Slack's, not foreign. */
const FROM_SLACK_MS = 10_000;

interface Held {
  value: string;
  expires: number | null;
}

export interface VaultEvents {
  /** The session changed through the vault (Slack set or cleared `d`): for the session collector. */
  sessionChanged(value: string | null): void;
}

type Header = { name: string; value?: string };
const asOptions = (o: string[]) => o as never;

/** How long after a clear with nothing held its storage tidy-up waits (see `clear`). */
const TIDY_AFTER_MS = 1_000;

export function createSessionVault(events: VaultEvents) {
  let mode: SessionVaultMode = 'off';
  let held: Held | null = null;
  let rulesFor: string | null = null;
  const seenFromSlack = new Map<string, number>();
  let writes: Promise<unknown> = Promise.resolve();
  const serial = (work: () => Promise<void>) =>
    (writes = writes.then(work).catch((e) => console.warn('session-guard: vault:', (e as Error).message)));

  // Chromium matches declarativeNetRequest rules when a request (or redirect hop) starts,
  // so one that started before updateSessionRules landed goes without them: the bridge
  // carries `d` on navigations until the rules are live, set synchronously in capture.
  const bridge = createNavigationBridge(
    () => (mode === 'off' ? null : (held?.value ?? null)),
    () => rulesFor,
  );
  const capture = (details: { url: string; responseHeaders?: Header[] }) => {
    const found = takeSessionCookie(details.responseHeaders, Date.now());
    if (!found) return undefined;
    if (found.taken !== 'clear') seenFromSlack.set(found.taken.value, Date.now());
    if (mode === 'off') return undefined;
    const taken = found.taken;
    if (taken === 'clear') void clear().then(() => events.sessionChanged(null));
    else if (taken.value !== held?.value) {
      held = { value: taken.value, expires: taken.expires };
      serial(() => persist());
      events.sessionChanged(taken.value);
    }
    return { responseHeaders: found.headers };
  };

  // Chromium accepts a 'blocking' listener without the permission and never blocks with
  // it (a development load): the permission itself is what says whether the vault can work.
  let blocking = false;
  try {
    browser.webRequest.onHeadersReceived.addListener(
      capture as never,
      { urls: SLACK_HTTP, types: HTTP_TYPES as never },
      asOptions(['blocking', 'responseHeaders', 'extraHeaders']),
    );
    browser.webRequest.onBeforeSendHeaders.addListener(
      ((details: { initiator?: string; requestHeaders?: Header[] }) => {
        const headers = mode === 'off' ? null : withVaultCookie(details, held?.value ?? null);
        return headers ? { requestHeaders: headers } : undefined;
      }) as never,
      { urls: SLACK_WS, types: ['websocket'] as never },
      asOptions(['blocking', 'requestHeaders', 'extraHeaders']),
    );
    bridge.listen();
    blocking = true;
  } catch (error) {
    console.info('session-guard: no blocking webRequest here, the session vault stays off:', (error as Error).message);
  }

  async function setRules(value: string | null) {
    await browser.declarativeNetRequest.updateSessionRules({
      removeRuleIds: [...VAULT_RULE_IDS],
      addRules: value ? (vaultRules(value) as never) : [],
    });
    rulesFor = value;
    bridge.rulesLive();
  }

  async function persist() {
    const value = held?.value ?? null;
    await setRules(value);
    await browser.storage.session.set({ [KEY]: { mode, held } });
    const db = await openLocalDb();
    if (mode === 'sealed' && held) await seal(db, JSON.stringify(held));
    else await dropSealed(db);
  }

  /** A `d` in the store: Slack's (taken in at once) or foreign (left for the detectors). */
  async function takeFromStore(cookie: { value: string; storeId?: string }) {
    const fresh = held?.value !== cookie.value;
    if (fresh) held = { value: cookie.value, expires: null };
    await browser.cookies.remove({ url: 'https://slack.com/', name: 'd', storeId: cookie.storeId });
    if (fresh) await persist();
  }

  browser.cookies.onChanged.addListener(({ removed, cookie }) => {
    if (removed || cookie.name !== 'd' || cookie.domain.replace(/^\./, '') !== 'slack.com') return;
    if (mode === 'off') return;
    const seen = seenFromSlack.get(cookie.value);
    if (cookie.value === held?.value || (seen !== undefined && seen > Date.now() - FROM_SLACK_MS))
      serial(() => takeFromStore(cookie));
  });

  const permitted = browser.permissions
    .contains({ permissions: ['webRequestBlocking'] as never })
    .then((granted) => blocking && granted)
    .catch(() => false);

  const loaded = (async () => {
    const kept = (await browser.storage.session.get(KEY))[KEY] as
      { mode?: SessionVaultMode; held?: Held | null } | undefined;
    if (kept?.mode && held === null) {
      mode = kept.mode;
      held = kept.held ?? null;
      rulesFor = held?.value ?? null; // session rules outlive the worker
    }
  })().catch(() => undefined);

  /** Clears the vault (a verdict, or Slack deleted `d`): rules first, then memory and disk. Returns what it held. */
  async function clear(): Promise<string | null> {
    await loaded;
    const value = held?.value ?? null;
    held = null;
    if (value === null && rulesFor === null) {
      // Nothing held and no rule carries a `d` (the vault is off, or already empty): there is
      // nothing to end. Storage is tidied a second later, in case an earlier write failed;
      // run now, its rule, storage and IndexedDB writes slowed the verdict's cookie removal
      // beside it (issue #16: the bench's p95 42 -> 36 ms without it).
      setTimeout(() => serial(persist), TIDY_AFTER_MS);
      return null;
    }
    await new Promise<void>((resolve) =>
      serial(async () => {
        await persist();
        resolve();
      }).then(() => resolve()),
    );
    return value;
  }

  return {
    /** Whether blocking webRequest really works here (policy-installed in Chromium). */
    available: () => permitted,
    /**
     * True when a `d` in the store is the vault's own or one Slack's response just set
     * (being moved), so the session collector leaves it to the vault.
     */
    owns(value: string): boolean {
      const seen = seenFromSlack.get(value);
      return value === held?.value || (mode !== 'off' && seen !== undefined && seen > Date.now() - FROM_SLACK_MS);
    },
    /** On: Slack's responses never reach the store, so any other `d` there is foreign. */
    active: () => mode !== 'off',
    /** The vaulted `d`, if any. */
    async current(): Promise<string | null> {
      await loaded;
      return mode === 'off' ? null : (held?.value ?? null);
    },
    clear,
    /** The org's mode from verified device settings; `off` where blocking webRequest is missing. */
    async apply(requested: SessionVaultMode): Promise<void> {
      await loaded;
      const can = await permitted;
      const next: SessionVaultMode = can ? requested : 'off';
      const reason =
        requested === 'off'
          ? null
          : can
            ? null
            : 'this browser did not install Session Guard by policy (a development load), so it cannot keep the session cookie out of the browser';
      await updateStatus({ sessionVault: { requested, mode: next, reason } });
      await new Promise<void>((resolve) =>
        serial(async () => {
          const before = mode;
          mode = next;
          if (next === 'off') {
            if (before !== 'off' && held) await restoreToStore(held);
            held = null;
            await persist();
            return resolve();
          }
          if (!held && next === 'sealed') {
            const raw = await unseal(await openLocalDb());
            if (raw) held = JSON.parse(raw) as Held;
          }
          const inStore = await browser.cookies.get({ url: 'https://slack.com/', name: 'd' });
          if (inStore && (!held || before === 'off')) {
            held = {
              value: inStore.value,
              expires: inStore.expirationDate ? Math.floor(inStore.expirationDate) : null,
            };
            await browser.cookies.remove({ url: 'https://slack.com/', name: 'd' });
          }
          await persist();
          resolve();
        }).then(() => resolve()),
      );
      if (held) events.sessionChanged(held.value);
    },
  };
}

async function restoreToStore(held: Held): Promise<void> {
  await browser.cookies.set({
    url: 'https://slack.com/',
    name: 'd',
    value: held.value,
    domain: '.slack.com',
    path: '/',
    secure: true,
    httpOnly: true,
    sameSite: 'lax',
    ...(held.expires ? { expirationDate: held.expires } : {}),
  });
}

export type SessionVault = ReturnType<typeof createSessionVault>;
