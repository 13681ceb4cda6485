/**
 * The outbox: every signal and acknowledgement is written to IndexedDB (an urgent one while
 * it is first sent, everything else before) and deleted only after the backend accepted it,
 * so a service-worker restart, a browser restart or a backend outage loses nothing. Ids
 * make resends harmless: the backend drops duplicates. Sending is the caller's (`sender`);
 * the outbox decides what and when. A signal older than MAX_SIGNAL_AGE_MS (14 days offline)
 * is dropped unsent: the backend would refuse it.
 */
import { MAX_SIGNAL_AGE_MS, type Signal, type VerdictAck } from '@/src/shared/protocol';
import type { LocalDb, OutboxItem } from './local-db';

export const MAX_BATCH = 200;
const BASE_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 5 * 60_000;

export type SendResult = 'sent' | 'retry' | 'reject';

export interface OutboxSender {
  sendSignals(signals: Signal[]): Promise<SendResult>;
  sendAck(ack: VerdictAck): Promise<SendResult>;
}

export interface OutboxOptions {
  db: LocalDb;
  sender: OutboxSender;
  now?: () => number;
  random?: () => number;
  /** How long a non-urgent item may wait to be batched. */
  flushDelayMs?: number;
  schedule?: (fn: () => void, ms: number) => unknown;
}

/** Exponential backoff with full jitter, so thousands of devices never retry in step. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** Math.min(attempt, 20));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export class Outbox {
  private flushing: Promise<void> | undefined;
  private again = false;
  private failures = 0;
  private timer: unknown;
  private readonly now: () => number;
  private readonly schedule: (fn: () => void, ms: number) => unknown;
  lastSentAt: number | null = null;

  constructor(private readonly options: OutboxOptions) {
    this.now = options.now ?? Date.now;
    this.schedule = options.schedule ?? ((fn, ms) => setTimeout(fn, ms));
  }

  async addSignal(signal: Signal, urgent: boolean): Promise<void> {
    await this.put({ key: signal.id, kind: 'signal', body: signal, createdAt: this.now(), urgent });
  }

  /**
   * The first ack of a verdict is kept, as the backend keeps the first it receives: after a
   * worker restart a redelivered verdict acks `already_executed`, which must not replace
   * the unsent ack that says what was done (cookies cleared, timings, the Slack sign-out).
   */
  async addAck(ack: VerdictAck): Promise<void> {
    const key = `ack:${ack.verdictId}`;
    const tx = this.options.db.transaction('outbox', 'readwrite');
    if ((await tx.store.count(key)) === 0)
      await tx.store.put({ key, kind: 'ack', body: ack, createdAt: this.now(), urgent: true });
    await tx.done;
    void this.flush();
  }

  /** The last send attempt failed for want of an answer (unreachable, 5xx, not enrolled). */
  get failing(): boolean {
    return this.failures > 0;
  }

  async has(key: string): Promise<boolean> {
    return (await this.options.db.count('outbox', key)) > 0;
  }

  async pending(): Promise<number> {
    return this.options.db.count('outbox');
  }

  private async put(item: OutboxItem): Promise<void> {
    const stored = this.options.db.put('outbox', item);
    // An urgent item is sent from memory while it is written (issue #16: the write and a
    // read-back were a third of a verdict's signal flush). Nothing can be lost by it: the
    // send's settle is a later transaction on the same store, which IndexedDB runs after
    // this write, so an accepted item is deleted and a refused one stays for the retry.
    if (item.urgent) void this.flush(item);
    else this.later(this.options.flushDelayMs ?? 5_000);
    await stored;
  }

  private later(ms: number): void {
    if (this.timer) return;
    this.timer = this.schedule(() => {
      this.timer = undefined;
      void this.flush();
    }, ms);
  }

  /**
   * Sends everything pending; concurrent calls coalesce into one more pass. `fresh`, an item
   * being written right now, goes first on its own when no pass is running (else the next
   * pass reads it with the rest).
   */
  flush(fresh?: OutboxItem): Promise<void> {
    if (this.flushing) {
      this.again = true;
      return this.flushing;
    }
    this.flushing = this.drain(fresh).finally(() => {
      this.flushing = undefined;
      if (this.again) {
        this.again = false;
        void this.flush();
      }
    });
    return this.flushing;
  }

  private async drain(fresh?: OutboxItem): Promise<void> {
    const { db, sender } = this.options;
    for (;;) {
      const items = fresh ? [fresh] : await db.getAllFromIndex('outbox', 'createdAt', undefined, MAX_BATCH);
      fresh = undefined;
      if (items.length === 0) return;
      const acks = items.filter((i) => i.kind === 'ack');
      // The documented maximum age (issue #10): the backend refuses older signals, and a
      // batch holding one would be refused whole. An ack is never too old to send.
      const oldest = this.now() - MAX_SIGNAL_AGE_MS;
      const expired = items.filter((i) => i.kind === 'signal' && (i.body as Signal).at < oldest);
      if (expired.length > 0) await this.settle(expired, 'reject');
      const signals = items.filter((i) => i.kind === 'signal' && (i.body as Signal).at >= oldest);
      for (const ack of acks) {
        if (!(await this.settle([ack], await sender.sendAck(ack.body as VerdictAck)))) return;
      }
      if (signals.length > 0) {
        const result = await sender.sendSignals(signals.map((i) => i.body as Signal));
        if (!(await this.settle(signals, result))) return;
      }
    }
  }

  /** True when the items left the outbox; false schedules a retry. */
  private async settle(items: OutboxItem[], result: SendResult): Promise<boolean> {
    const { db } = this.options;
    if (result === 'retry') {
      this.failures += 1;
      this.later(backoffDelay(this.failures, this.options.random));
      return false;
    }
    // 'reject' means the backend refused the content itself (never a transport fault):
    // resending cannot help, so it leaves the outbox rather than block everything behind it.
    const tx = db.transaction('outbox', 'readwrite');
    await Promise.all([...items.map((i) => tx.store.delete(i.key)), tx.done]);
    this.failures = 0;
    if (result === 'sent') this.lastSentAt = this.now();
    return true;
  }
}
