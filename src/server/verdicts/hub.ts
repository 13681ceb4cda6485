/**
 * The verdict hub: who is connected, by device id, so a verdict reaches the device the
 * moment it is issued. An interface so a multi-replica fan-out (e.g. Postgres
 * LISTEN/NOTIFY) can replace the in-process one; until then a device connected to
 * another replica gets the verdict on its next poll or reconnect.
 */
import type { SignedVerdict } from '../../shared/protocol/verdict';

export type VerdictListener = (verdict: SignedVerdict & { id: string }) => void;

export interface VerdictHub {
  subscribe(deviceId: string, listener: VerdictListener): () => void;
  /** Returns how many listeners it was handed to. */
  publish(deviceId: string, verdict: SignedVerdict & { id: string }): number;
  connections(): number;
}

export function createLocalHub(): VerdictHub {
  const listeners = new Map<string, Set<VerdictListener>>();
  return {
    subscribe(deviceId, listener) {
      const set = listeners.get(deviceId) ?? new Set();
      set.add(listener);
      listeners.set(deviceId, set);
      return () => {
        set.delete(listener);
        if (set.size === 0 && listeners.get(deviceId) === set) listeners.delete(deviceId);
      };
    },
    publish(deviceId, verdict) {
      const set = listeners.get(deviceId);
      if (!set) return 0;
      for (const listener of [...set]) {
        try {
          listener(verdict);
        } catch {
          // A broken socket must not stop the others; its close handler unsubscribes it.
        }
      }
      return set.size;
    },
    connections() {
      let n = 0;
      for (const set of listeners.values()) n += set.size;
      return n;
    },
  };
}
