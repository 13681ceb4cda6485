import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { VerdictStream } from '@/src/extension/verdict-stream';

/** A WebSocket that never connects unless told, and records what was sent. */
class FakeSocket {
  static opened: FakeSocket[] = [];
  readyState = 0;
  sent: unknown[] = [];
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: (() => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.opened.push(this);
  }
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.readyState = 3;
  }
  /** The server drops the connection (or it never came up). */
  drop() {
    this.readyState = 3;
    this.onclose?.();
  }
  serverSays(message: object) {
    this.readyState = 1;
    this.onmessage?.({ data: JSON.stringify(message) });
  }
}

function stream(random: () => number = () => 0.5, onConnected = vi.fn()) {
  const s = new VerdictStream({
    url: 'ws://guard.test/v1/stream',
    deviceId: 'device-1',
    signText: async (text) => `sig(${text})`,
    onVerdict: vi.fn(),
    onConnected,
    random,
    createSocket: (url) => new FakeSocket(url) as unknown as WebSocket,
  });
  return s;
}

describe('verdict stream reconnects', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    FakeSocket.opened = [];
  });
  afterEach(() => vi.useRealTimers());

  it('waits longer after each failure, up to a ceiling', () => {
    const s = stream(() => 1);
    s.ensure();
    const delays: number[] = [];

    for (let i = 0; i < 12; i++) {
      FakeSocket.opened.at(-1)!.drop();
      delays.push(s.retryDelayMs!);
      vi.advanceTimersByTime(s.retryDelayMs!);
    }

    expect(delays.slice(0, 4)).toEqual([2_000, 4_000, 8_000, 16_000]);
    expect(Math.max(...delays)).toBe(300_000);
    expect(FakeSocket.opened).toHaveLength(13);
  });

  it('does not reconnect before the delay has passed', () => {
    const s = stream();
    s.ensure();

    FakeSocket.opened[0]!.drop();
    vi.advanceTimersByTime(s.retryDelayMs! - 1);
    expect(FakeSocket.opened).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(FakeSocket.opened).toHaveLength(2);
  });

  it('spreads devices out with jitter, so a backend restart does not bring them back in step', () => {
    let seed = 42;
    const random = () => (seed = (seed * 16_807) % 2_147_483_647) / 2_147_483_647;
    const devices = Array.from({ length: 1_000 }, () => stream(random));
    for (const d of devices) d.ensure();

    for (const socket of [...FakeSocket.opened]) socket.drop();
    const delays = devices.map((d) => d.retryDelayMs!);

    const perSlot = new Map<number, number>();
    for (const d of delays) perSlot.set(Math.floor(d / 100), (perSlot.get(Math.floor(d / 100)) ?? 0) + 1);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(1_000);
    expect(Math.max(...delays)).toBeLessThanOrEqual(2_000);
    expect(new Set(delays).size).toBeGreaterThan(500);
    expect(Math.max(...perSlot.values())).toBeLessThan(200); // no 100 ms slot holds a fifth of them
  });

  it('starts from the shortest delay again once a connection succeeds', async () => {
    const onConnected = vi.fn();
    const s = stream(() => 1, onConnected);
    s.ensure();
    for (let i = 0; i < 3; i++) {
      FakeSocket.opened.at(-1)!.drop();
      vi.advanceTimersByTime(s.retryDelayMs!);
    }

    const socket = FakeSocket.opened.at(-1)!;
    socket.serverSays({ type: 'challenge', challenge: 'abc' });
    await vi.runOnlyPendingTimersAsync();
    socket.serverSays({ type: 'ready' });
    socket.drop();

    expect(socket.sent[0]).toEqual({ type: 'auth', deviceId: 'device-1', signature: 'sig(sg-stream:abc)' });
    expect(onConnected.mock.calls).toEqual([[true], [false]]);
    expect(s.retryDelayMs).toBe(2_000);
  });

  it('stays closed once closed', () => {
    const s = stream();
    s.ensure();

    s.close();
    FakeSocket.opened[0]!.drop();
    vi.advanceTimersByTime(600_000);

    expect(FakeSocket.opened).toHaveLength(1);
  });
});
