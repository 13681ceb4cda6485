/**
 * The spacing Slack's rate-limit tiers ask of a connector (issue #12): at least `gapMs`
 * between ANY two requests of one connector, whether they are two pages of one poll or
 * the last page of one poll and the first of the next (a 1 s poll interval once sent an
 * audit request every second although the docs promise 1.5 s). A 429's Retry-After moves
 * the next allowed request to when Slack said. Clock and sleep are injected, so tests
 * drive time instead of waiting for it.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface RequestPacer {
  readonly gapMs: number;
  /** Waits until the next request may go, then counts it as sent (call right before sending). */
  take(): Promise<void>;
  /** Slack said 429: nothing goes before `now + retryAfterMs` (and the gap after that). */
  backOff(retryAfterMs: number): void;
  /** Epoch ms before which a request would have to wait. */
  readonly nextAt: number;
}

export interface PacerOptions {
  gapMs: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export function createRequestPacer(options: PacerOptions): RequestPacer {
  const now = options.now ?? Date.now;
  const wait = options.sleep ?? ((ms: number) => sleep(ms));
  let lastAt = Number.NEGATIVE_INFINITY;
  let notBefore = Number.NEGATIVE_INFINITY;
  // Requests are serialized: a second caller queues behind the first, so two concurrent
  // polls of one connector still leave the gap between them.
  let queue: Promise<void> = Promise.resolve();
  const due = () => Math.max(lastAt + options.gapMs, notBefore);

  return {
    gapMs: options.gapMs,
    get nextAt() {
      return due();
    },
    take() {
      const turn = queue.then(async () => {
        // A timer may fire a millisecond early: look again, a few times at most (a clock that
        // never moves must not spin forever).
        for (let i = 0, at = due(); i < 3 && now() < at; i++, at = due()) await wait(at - now());
        lastAt = now();
      });
      queue = turn.catch(() => undefined);
      return turn;
    },
    backOff(retryAfterMs) {
      notBefore = Math.max(notBefore, now() + Math.max(0, retryAfterMs));
    },
  };
}
