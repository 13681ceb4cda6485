/**
 * The extension's service worker as DevTools sees it: stop it the way DevTools does
 * (`ServiceWorker.stopAllWorkers`) and watch it stop and start again, through the
 * ServiceWorker domain of a CDP session on one of the extension's own pages. Playwright's
 * Worker objects do not report these stops, the protocol's version events do.
 */
import type { BrowserContext, CDPSession, Page } from '@playwright/test';

type RunningStatus = 'stopped' | 'starting' | 'running' | 'stopping';

interface Transition {
  at: number;
  status: RunningStatus;
}

export class WorkerControl {
  readonly transitions: Transition[] = [];
  private session: Promise<{ page: Page; cdp: CDPSession }> | undefined;

  constructor(
    private readonly context: BrowserContext,
    private readonly extensionId: string,
  ) {}

  private open() {
    this.session ??= (async () => {
      const page = await this.context.newPage();
      await page.goto(`chrome-extension://${this.extensionId}/popup.html`);
      const cdp = await this.context.newCDPSession(page);
      const script = `chrome-extension://${this.extensionId}/background.js`;
      cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
        for (const v of versions) {
          if (v.scriptURL !== script) continue;
          const last = this.transitions.at(-1)?.status;
          if (v.runningStatus !== last)
            this.transitions.push({ at: Date.now(), status: v.runningStatus as RunningStatus });
        }
      });
      await cdp.send('ServiceWorker.enable');
      return { page, cdp };
    })();
    return this.session;
  }

  get status(): RunningStatus | undefined {
    return this.transitions.at(-1)?.status;
  }

  /** Stops every service worker and waits until the extension's reports `stopped`; returns when. */
  async stop(timeout = 10_000): Promise<number> {
    const { cdp } = await this.open();
    const since = Date.now();
    await cdp.send('ServiceWorker.stopAllWorkers');
    return this.waitFor('stopped', since, timeout);
  }

  /** Waits until the worker reaches `status` at or after `since`; returns when it did. */
  async waitFor(status: RunningStatus, since: number, timeout = 60_000): Promise<number> {
    await this.open();
    const deadline = Date.now() + timeout;
    for (;;) {
      const hit = this.transitions.find((t) => t.status === status && t.at >= since);
      if (hit) return hit.at;
      if (Date.now() > deadline)
        throw new Error(`service worker not ${status} since ${since}: ${JSON.stringify(this.transitions)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async close(): Promise<void> {
    if (!this.session) return;
    const { page, cdp } = await this.session;
    await cdp.detach().catch(() => undefined);
    await page.close().catch(() => undefined);
  }
}
