/**
 * Terminations cleared but not yet acknowledged (issue #17, enforcer.ts): the `d` the clear
 * took and the hosts, kept in storage.session until the ack is queued. storage.session
 * outlives a killed service worker but not the browser, and is never written to disk, so
 * a profile copied meanwhile holds nothing; content scripts cannot read it (the extension
 * never widens its access level). The session vault keeps `d` in the same memory.
 */
import type { UnfinishedTermination, UnfinishedTerminations } from './enforcer';

const key = (verdictId: string) => `unfinished:${verdictId}`;

export const unfinishedTerminations: UnfinishedTerminations = {
  async hold(verdictId, termination) {
    await browser.storage.session.set({ [key(verdictId)]: termination });
  },
  async get(verdictId) {
    const stored = (await browser.storage.session.get(key(verdictId)))[key(verdictId)];
    return (stored as UnfinishedTermination | undefined) ?? null;
  },
  async release(verdictId) {
    await browser.storage.session.remove(key(verdictId));
  },
};
