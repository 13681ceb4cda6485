/** The coalescing loop, backoff and Retry-After parser behind every job runner (issue #11). */
import { describe, expect, it } from 'vitest';
import { backoffMs, retryAt } from '../../src/server/jobs/backoff';
import { createLoop } from '../../src/server/jobs/loop';
import { retryAfterMs } from '../../src/server/jobs/retry-after';

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe('coalescing loop', () => {
  it('never overlaps ticks and folds the ticks asked for meanwhile into one rerun', async () => {
    const first = gate();
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    const loop = createLoop({
      async run() {
        active++;
        maxActive = Math.max(maxActive, active);
        runs++;
        if (runs === 1) await first.opened;
        active--;
      },
    });

    const a = loop.tick();
    const b = loop.tick();
    const c = loop.tick();
    first.open();
    await Promise.all([a, b, c]);

    expect({ runs, maxActive }).toEqual({ runs: 2, maxActive: 1 });
  });

  it('runs again at once while the work says there is more', async () => {
    const left = [true, true, false];
    let runs = 0;
    const loop = createLoop({ run: async () => (runs++, left.shift()) });

    await loop.tick();

    expect(runs).toBe(3);
  });

  it('stop() waits for the running tick and later ticks do nothing', async () => {
    const slow = gate();
    const order: string[] = [];
    const loop = createLoop({
      async run() {
        await slow.opened;
        order.push('tick finished');
      },
    });

    void loop.tick();
    const stopped = loop.stop().then(() => order.push('stopped'));
    slow.open();
    await stopped;
    await loop.tick();

    expect(order).toEqual(['tick finished', 'stopped']);
  });

  it('kick() runs a tick soon, and an error is reported, not thrown', async () => {
    const errors: unknown[] = [];
    const reported = gate();
    const loop = createLoop({
      run: async () => {
        throw new Error('store down');
      },
      onError: (e) => {
        errors.push(e);
        reported.open();
      },
    });

    loop.kick();
    await reported.opened;
    await loop.stop();

    expect(errors.map((e) => (e as Error).message)).toEqual(['store down']);
  });
});

describe('backoff and Retry-After', () => {
  it('jitters each delay by at most ±10 % and repeats the last delay', () => {
    expect(backoffMs(1, [1000, 5000], () => 0)).toBe(900);
    expect(backoffMs(1, [1000, 5000], () => 0.999_999)).toBe(1100);
    expect(backoffMs(2, [1000, 5000], () => 0.5)).toBe(5000);
    expect(backoffMs(9, [1000, 5000], () => 0.5)).toBe(5000);
  });

  it('waits for Retry-After when it is later than the backoff', () => {
    expect(retryAt(0, 1, [1000], 30_000, () => 0.5)).toBe(30_000);
    expect(retryAt(0, 1, [60_000], 30_000, () => 0.5)).toBe(60_000);
  });

  it('reads Retry-After as seconds or an HTTP date, and nothing else', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4000)).toBe(6000);
    expect(retryAfterMs(new Date(1000).toUTCString(), 4000)).toBe(0);
    expect(retryAfterMs(null)).toBeNull();
    expect(retryAfterMs('soon')).toBeNull();
  });
});
