import { describe, expect, it } from 'vitest';
import {
  apiCallCounter,
  apiMethod,
  EARLY_FLUSH_CALLS,
  WINDOW_MS,
  type CounterClock,
} from '@/src/extension/collectors/api-calls';
import type { SignalDraft } from '@/src/extension/collectors/types';

function fakeClock() {
  const timers = new Map<number, { at: number; run: () => void }>();
  let id = 0;
  const clock: CounterClock & { t: number; advance(ms: number): void } = {
    t: 1_700_000_000_000,
    now: () => clock.t,
    setTimeout: (run, ms) => {
      timers.set(++id, { at: clock.t + ms, run });
      return id;
    },
    clearTimeout: (handle) => void timers.delete(handle as number),
    advance(ms) {
      clock.t += ms;
      for (const [key, timer] of [...timers]) {
        if (timer.at <= clock.t) {
          timers.delete(key);
          timer.run();
        }
      }
    },
  };
  return clock;
}

function recorder() {
  const recorded: { draft: SignalDraft; urgent: boolean }[] = [];
  return {
    recorded,
    sink: {
      record: async (draft: SignalDraft, options?: { urgent?: boolean }) => (
        recorded.push({ draft, urgent: options?.urgent ?? false }),
        true
      ),
    },
  };
}

describe('Slack API call counting', () => {
  it.each([
    ['https://app.slack.com/api/conversations.history?_x_id=1', 'conversations.history'],
    ['https://acme.slack.com/api/users.list', 'users.list'],
    ['https://slack.com/api/search.messages/', 'search.messages'],
    ['https://app.slack.com/client/T123', null],
    ['https://app.slack.com/api/', null],
    ['https://app.slack.com/api/../etc', null],
  ])('reads the method of %s as %s', (url, method) => {
    expect(apiMethod(url)).toBe(method);
  });

  it('reports each method\u2019s count once its window closes', () => {
    const clock = fakeClock();
    const { recorded, sink } = recorder();
    const onRequest = apiCallCounter(sink, clock);

    for (let i = 0; i < 3; i++) onRequest({ url: 'https://app.slack.com/api/conversations.history' });
    onRequest({ url: 'https://app.slack.com/api/users.info' });
    clock.advance(WINDOW_MS);

    expect(recorded).toEqual([
      {
        draft: {
          type: 'api_calls',
          method: 'conversations.history',
          count: 3,
          windowStart: 1_700_000_000_000,
          windowMs: WINDOW_MS,
        },
        urgent: false,
      },
      {
        draft: {
          type: 'api_calls',
          method: 'users.info',
          count: 1,
          windowStart: 1_700_000_000_000,
          windowMs: WINDOW_MS,
        },
        urgent: false,
      },
    ]);
  });

  it('reports a tight loop at once, urgently, every EARLY_FLUSH_CALLS calls', () => {
    const clock = fakeClock();
    const { recorded, sink } = recorder();
    const onRequest = apiCallCounter(sink, clock);

    for (let i = 0; i < EARLY_FLUSH_CALLS * 2 + 1; i++) {
      onRequest({ url: 'https://app.slack.com/api/conversations.history' });
      clock.advance(2);
    }

    expect(recorded.map((r) => [r.draft.type === 'api_calls' && r.draft.count, r.urgent])).toEqual([
      [EARLY_FLUSH_CALLS, true],
      [EARLY_FLUSH_CALLS, true],
    ]);
    clock.advance(WINDOW_MS);
    expect(recorded).toHaveLength(3);
  });
});
