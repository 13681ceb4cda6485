/**
 * Local enforcement: every Slack download is counted in a window kept in storage.local
 * (it outlives service-worker and browser restarts). When a cap is broken while the
 * backend is unreachable, the session ends here and now; the caller reports the local
 * verdict through the outbox, so the backend learns of it once it is back. While the
 * backend answers, it decides (and monitor mode stays monitor mode).
 */
import { browser } from 'wxt/browser';
import { findBreach, inWindow, type Breach, type LocalCap, type WindowEntry } from './local-cap';

const KEY = 'localWindow';
/** The last check made while the backend was unreachable: when, and how many downloads it saw (tests wait on it). */
export const LAST_CHECK_KEY = 'localLastCheck';

export interface LocalEnforcerDeps {
  cap: LocalCap;
  backendUnreachable: () => boolean;
  enforce: (breach: Breach) => Promise<void>;
  now?: () => number;
}

export class LocalEnforcer {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly now: () => number;

  constructor(private readonly deps: LocalEnforcerDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Counts one download (serialised: storage has no compare-and-set). */
  observe(at: number, bytes: number): Promise<void> {
    return this.serial(async () => {
      const entries = inWindow(await this.read(), this.deps.cap, this.now());
      entries.push({ at, bytes });
      await browser.storage.local.set({ [KEY]: entries });
    });
  }

  /** Ends the session when a cap is broken and the backend cannot decide; returns the breach. */
  check(): Promise<Breach | null> {
    return this.serial(async () => {
      if (!this.deps.backendUnreachable()) return null;
      const entries = await this.read();
      const breach = findBreach(entries, this.deps.cap, this.now());
      await browser.storage.local.set({
        [LAST_CHECK_KEY]: { at: this.now(), downloads: entries.length, breach: breach !== null },
      });
      if (!breach) return null;
      // The window starts again: the downloads that broke the cap are accounted for.
      await browser.storage.local.set({ [KEY]: [] });
      await this.deps.enforce(breach);
      return breach;
    });
  }

  private async read(): Promise<WindowEntry[]> {
    const raw = (await browser.storage.local.get(KEY))[KEY];
    return Array.isArray(raw)
      ? raw.filter((e): e is WindowEntry => typeof e?.at === 'number' && typeof e?.bytes === 'number')
      : [];
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
