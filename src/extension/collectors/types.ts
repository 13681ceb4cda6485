/**
 * What a collector hands the service: a signal without the fields the service stamps on
 * (id, time, current session). `urgent` signals can trigger a verdict and go at once.
 */
import type { Signal } from '@/src/shared/protocol';

type Draft<T> = T extends Signal ? Omit<T, 'id' | 'at' | 'sessionKey'> : never;
export type SignalDraft = Draft<Signal>;

export interface SignalSink {
  /** Resolves true once the signal is in the outbox, false when it was dropped (idle). */
  record(draft: SignalDraft, options?: { urgent?: boolean; sessionKey?: string | null }): Promise<boolean>;
}
