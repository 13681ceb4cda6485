/**
 * A page object that reads the extension's state from one of its own pages (a tab on
 * popup.html) rather than from the service worker, so reading never wakes a worker a
 * test has stopped: the status the popup shows, the notifications on screen, and what
 * waits in the outbox (IndexedDB, shared by the extension's origin).
 */
import type { BrowserContext, Page } from '@playwright/test';

// Evaluated in the extension's page, where `chrome` exists.
declare const chrome: any;

export class ExtensionProbe {
  private page: Page | undefined;

  constructor(
    private readonly context: BrowserContext,
    readonly extensionId: string,
  ) {}

  private async tab(): Promise<Page> {
    if (!this.page || this.page.isClosed()) {
      this.page = await this.context.newPage();
      await this.page.goto(`chrome-extension://${this.extensionId}/popup.html`);
    }
    return this.page;
  }

  async status(): Promise<Record<string, any> | undefined> {
    return (await this.tab()).evaluate(
      async () => (await chrome.storage.local.get('status')).status as Record<string, any>,
    );
  }

  async notifications(): Promise<Record<string, unknown>> {
    return (await this.tab()).evaluate(() => chrome.notifications.getAll() as Promise<Record<string, unknown>>);
  }

  /** Items waiting in the outbox (signals and acks the backend has not accepted yet). */
  async pending(): Promise<number> {
    return (await this.tab()).evaluate(async () => {
      // Opening a database that does not exist yet would create it without its stores.
      if (!(await indexedDB.databases()).some((d) => d.name === 'session-guard')) return 0;
      return new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('session-guard');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const count = open.result.transaction('outbox').objectStore('outbox').count();
          count.onsuccess = () => {
            resolve(count.result);
            open.result.close();
          };
          count.onerror = () => reject(count.error);
        };
      });
    });
  }

  /** One value the extension keeps in storage.local or storage.session. */
  async stored(area: 'local' | 'session', key: string): Promise<unknown> {
    return (await this.tab()).evaluate(async ([a, k]) => (await chrome.storage[a].get(k))[k] as unknown, [
      area,
      key,
    ] as const);
  }

  /** When the tick alarm fires next (epoch ms), or null. */
  async nextTick(): Promise<number | null> {
    return (await this.tab()).evaluate(
      async () => (await chrome.alarms.get('session-guard-tick'))?.scheduledTime ?? null,
    );
  }
}
