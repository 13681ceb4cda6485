/**
 * When to send a heartbeat (it carries the client fingerprint): once at the start of
 * each browser session, then at most every five minutes from the alarm tick. Kept in
 * storage.session so service-worker restarts do not multiply them.
 */
import { browser } from 'wxt/browser';

export const HEARTBEAT_INTERVAL_MS = 5 * 60_000;
const KEY = 'lastHeartbeatAt';

let queue: Promise<unknown> = Promise.resolve();

/** True when a heartbeat is due; claims it, so concurrent callers send one between them. */
export function claimHeartbeat(now: number, interval = HEARTBEAT_INTERVAL_MS): Promise<boolean> {
  const run = queue.then(async () => {
    const last = (await browser.storage.session.get(KEY))[KEY];
    if (typeof last === 'number' && now - last < interval && now >= last) return false;
    await browser.storage.session.set({ [KEY]: now });
    return true;
  });
  queue = run.catch(() => undefined);
  return run;
}

export async function releaseHeartbeat(): Promise<void> {
  await browser.storage.session.remove(KEY);
}
