/**
 * The request pacer (issue #12) on a driven clock: any two requests are at least the gap
 * apart, whether taken back to back, concurrently or long after; a 429's Retry-After moves
 * the next one to when Slack said.
 */
import { describe, expect, it } from 'vitest';
import { createRequestPacer } from '../../src/server/slack/request-pacer';

function driven(gapMs: number) {
  const clock = { now: 1_000_000 };
  const sent: number[] = [];
  const pacer = createRequestPacer({
    gapMs,
    now: () => clock.now,
    sleep: async (ms) => {
      clock.now += ms;
    },
  });
  const send = async () => {
    await pacer.take();
    sent.push(clock.now);
  };
  return { clock, sent, pacer, send };
}
const gaps = (xs: number[]) => xs.slice(1).map((x, i) => x - xs[i]!);

describe('request pacer', () => {
  it('keeps the gap between requests taken back to back and concurrently', async () => {
    const { sent, send } = driven(1500);
    await send();
    await send();
    await Promise.all([send(), send(), send()]);
    expect(gaps(sent)).toEqual([1500, 1500, 1500, 1500]);
  });

  it('does not wait when the gap has already passed', async () => {
    const { clock, sent, send } = driven(1500);
    await send();
    clock.now += 10_000;
    await send();
    expect(gaps(sent)).toEqual([10_000]);
  });

  it('honours Retry-After: nothing before Slack said, then the gap again', async () => {
    const { clock, sent, send, pacer } = driven(1500);
    await send();
    pacer.backOff(7_000);
    await send();
    await send();
    expect(sent[1]! - sent[0]!).toBe(7_000);
    expect(sent[2]! - sent[1]!).toBe(1500);
    expect(pacer.nextAt).toBe(clock.now + 1500);
  });
});
