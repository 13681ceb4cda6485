/**
 * The sink every collector feeds: stamps id, time and the current Slack session on a
 * draft, attaches the client fingerprint to session and heartbeat signals, validates the
 * result against the wire schema, and hands it to the running guard. While idle it drops
 * everything. The fingerprint waits at most a moment: a signal is never held back for it.
 */
import { Signal, type ClientFingerprint } from '@/src/shared/protocol';
import type { SessionState } from './collectors/session-cookie';
import type { SignalDraft, SignalSink } from './collectors/types';

export const FINGERPRINT_WAIT_MS = 1_500;

export interface SinkTarget {
  stopped: boolean;
  accept(signal: Signal, urgent: boolean): Promise<void>;
}

export interface SinkDeps {
  current: () => Promise<SinkTarget | null>;
  sessionState: Pick<SessionState, 'get'>;
  fingerprint: () => Promise<ClientFingerprint>;
}

export function wantsFingerprint(draft: SignalDraft): boolean {
  return draft.type === 'heartbeat' || (draft.type === 'session_cookie' && draft.change !== 'removed');
}

function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  return Promise.race([promise.catch(() => undefined), new Promise<undefined>((r) => setTimeout(r, ms))]);
}

export function createSink(deps: SinkDeps): SignalSink {
  return {
    async record(draft, options = {}) {
      const at = Date.now();
      try {
        // Side by side: both are reads, and an urgent signal's flush waits on them (issue #16).
        const [target, sessionKey] = await Promise.all([
          deps.current(),
          options.sessionKey !== undefined
            ? options.sessionKey
            : deps.sessionState.get().then((state) => state.sessionKey),
        ]);
        if (!target || target.stopped) return false;
        const fingerprint = wantsFingerprint(draft) ? await within(deps.fingerprint(), FINGERPRINT_WAIT_MS) : undefined;
        const signal = Signal.parse({
          ...draft,
          ...(fingerprint ? { fingerprint } : {}),
          id: crypto.randomUUID(),
          at,
          sessionKey,
        });
        await target.accept(signal, options.urgent ?? false);
        return true;
      } catch (error) {
        console.warn('session-guard: signal not recorded:', (error as Error).message);
        return false;
      }
    },
  };
}
