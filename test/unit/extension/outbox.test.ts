import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_SIGNAL_AGE_MS, type Signal, type VerdictAck } from '@/src/shared/protocol';
import { openLocalDb, resetLocalDbForTests } from '@/src/extension/local-db';
import { Outbox, backoffDelay, type OutboxSender, type SendResult } from '@/src/extension/outbox';

let dbName = 0;
const freshDb = () => {
  resetLocalDbForTests();
  return openLocalDb(`outbox-test-${++dbName}`);
};

const fakeSignal = (over: Partial<Signal> = {}): Signal =>
  ({
    id: crypto.randomUUID(),
    at: Date.now(),
    type: 'download',
    source: 'downloads_api',
    host: 'files.slack.com',
    bytes: 1024,
    ...over,
  }) as Signal;

function recordingSender(results: SendResult[] = []) {
  const sent: Signal[][] = [];
  const acks: VerdictAck[] = [];
  const sender: OutboxSender = {
    async sendSignals(signals) {
      sent.push(signals);
      return results.shift() ?? 'sent';
    },
    async sendAck(ack) {
      acks.push(ack);
      return results.shift() ?? 'sent';
    },
  };
  return { sender, sent, acks };
}

const manualTimers = () => {
  const pending: (() => void)[] = [];
  return { schedule: (fn: () => void) => pending.push(fn), pending };
};

describe('outbox', () => {
  beforeEach(() => resetLocalDbForTests());

  it('drops a signal older than the documented maximum age unsent and still sends the rest', async () => {
    const db = await freshDb();
    const { sender, sent } = recordingSender();
    const now = 1_800_000_000_000;
    const outbox = new Outbox({ db, sender, now: () => now, schedule: manualTimers().schedule });
    const stale = fakeSignal({ at: now - MAX_SIGNAL_AGE_MS - 1 });
    const fresh = fakeSignal({ at: now - MAX_SIGNAL_AGE_MS + 60_000 });

    await outbox.addSignal(stale, false);
    await outbox.addSignal(fresh, true);
    await outbox.flush();

    expect(sent.flat().map((s) => s.id)).toEqual([fresh.id]);
    expect(await outbox.pending()).toBe(0);
  });

  it('sends an urgent signal at once and forgets it once accepted', async () => {
    const db = await freshDb();
    const { sender, sent } = recordingSender();
    const outbox = new Outbox({ db, sender, schedule: manualTimers().schedule });

    await outbox.addSignal(fakeSignal({ bytes: 5 } as Partial<Signal>), true);
    await outbox.flush();

    expect(sent).toHaveLength(1);
    expect(await outbox.pending()).toBe(0);
  });

  it('sends an urgent signal while it is written, and keeps it stored when that send fails', async () => {
    const db = await freshDb();
    const { sender, sent } = recordingSender(['retry']);
    const timers = manualTimers();
    const outbox = new Outbox({ db, sender, schedule: timers.schedule });
    const waiting = fakeSignal();
    await outbox.addSignal(waiting, false);
    const urgent = fakeSignal();

    await outbox.addSignal(urgent, true);
    await vi.waitFor(() => expect(outbox.failing).toBe(true)); // the send was answered: try later

    // Sent on its own, from memory, ahead of the batched one; refused for now, it stays.
    expect(sent.map((batch) => batch.map((s) => s.id))).toEqual([[urgent.id]]);
    expect(await outbox.has(urgent.id)).toBe(true);
    expect(await outbox.pending()).toBe(2);

    // The next pass (the batching timer) sends both from the store, once each.
    expect(timers.pending).toHaveLength(1);
    timers.pending.shift()!();
    await outbox.flush();
    expect(
      sent
        .slice(1)
        .flat()
        .map((s) => s.id)
        .sort(),
    ).toEqual([urgent.id, waiting.id].sort());
    expect(await outbox.pending()).toBe(0);
  });

  it('deletes an urgent signal accepted before its write finished, and sends it once', async () => {
    const db = await freshDb();
    const { sender, sent } = recordingSender();
    const outbox = new Outbox({ db, sender, schedule: manualTimers().schedule });
    const urgent = fakeSignal();

    await outbox.addSignal(urgent, true);
    await outbox.flush();
    await outbox.flush();

    expect(sent.flat().map((s) => s.id)).toEqual([urgent.id]);
    expect(await outbox.has(urgent.id)).toBe(false);
  });

  it('batches non-urgent signals until the flush timer fires', async () => {
    const db = await freshDb();
    const { sender, sent } = recordingSender();
    const timers = manualTimers();
    const outbox = new Outbox({ db, sender, schedule: timers.schedule });

    await outbox.addSignal(fakeSignal(), false);
    await outbox.addSignal(fakeSignal(), false);
    expect(sent).toHaveLength(0);
    timers.pending.shift()!();
    await outbox.flush();

    expect(sent).toEqual([expect.arrayContaining([expect.objectContaining({ type: 'download' })])]);
    expect(sent[0]).toHaveLength(2);
  });

  it('keeps signals through a failed send and a restart, then delivers each once', async () => {
    const db = await freshDb();
    const first = recordingSender(['retry']);
    const timers = manualTimers();
    const before = new Outbox({ db, sender: first.sender, schedule: timers.schedule });
    const signals = [fakeSignal(), fakeSignal(), fakeSignal()];

    for (const s of signals) await before.addSignal(s, false);
    await before.flush();
    expect(first.sent).toHaveLength(1);
    expect(timers.pending.length).toBeGreaterThan(0); // a retry is scheduled

    // The service worker dies; a new one opens the same database.
    const second = recordingSender();
    const after = new Outbox({ db, sender: second.sender, schedule: manualTimers().schedule });
    await after.flush();

    expect(
      second.sent
        .flat()
        .map((s) => s.id)
        .sort(),
    ).toEqual(signals.map((s) => s.id).sort());
    expect(await after.pending()).toBe(0);
  });

  it('stores a signal id once however often it is added', async () => {
    const db = await freshDb();
    const { sender, sent } = recordingSender(['retry']);
    const outbox = new Outbox({ db, sender, schedule: manualTimers().schedule });
    const signal = fakeSignal();

    await outbox.addSignal(signal, false);
    await outbox.addSignal(signal, false);

    expect(await outbox.pending()).toBe(1);
    expect(sent).toHaveLength(0);
  });

  it('sends acknowledgements before signals and keeps them until accepted', async () => {
    const db = await freshDb();
    const { sender, acks } = recordingSender(['retry', 'sent']);
    const outbox = new Outbox({ db, sender, schedule: manualTimers().schedule });
    const ack = { verdictId: crypto.randomUUID() } as VerdictAck;

    await outbox.addAck(ack);
    await outbox.flush();
    expect(await outbox.pending()).toBe(1);
    await outbox.flush();

    expect(acks).toHaveLength(2);
    expect(await outbox.pending()).toBe(0);
  });
});

describe('backoff', () => {
  it('grows exponentially, is jittered, and is capped at five minutes', () => {
    expect(backoffDelay(1, () => 0)).toBe(1000);
    expect(backoffDelay(1, () => 1)).toBe(2000);
    expect(backoffDelay(4, () => 0)).toBe(8000);
    expect(backoffDelay(40, () => 1)).toBe(300_000);
    const spread = new Set(Array.from({ length: 50 }, () => backoffDelay(6)));
    expect(spread.size).toBeGreaterThan(10);
  });
});
