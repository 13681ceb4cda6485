/**
 * The one coalescing loop (issue #11) behind every periodic worker: the job runners and
 * the dashboard's live stream. `tick()` runs the work now or, when a tick is running,
 * once more right after it (callers get a promise that covers that rerun); ticks never
 * overlap; `kick()` asks for a tick soon without waiting; `stop()` ends the timer and
 * waits for the running tick. A tick whose work says "more" (true) runs again at once.
 */
export interface Loop {
  kick(): void;
  tick(): Promise<void>;
  stop(): Promise<void>;
}

export interface LoopOptions {
  /** One pass; resolve `true` when there is more to do right away (a full batch). */
  run: () => Promise<boolean | void>;
  /** Period of the timer; no timer when absent (tests drive `tick()`). */
  intervalMs?: number;
  onError?: (error: unknown) => void;
}

export function createLoop(options: LoopOptions): Loop {
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;

  const tick = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          if ((await options.run()) === true) again = true;
        } catch (error) {
          if (!stopped) options.onError?.(error);
        }
      } while (again && !stopped);
    })().finally(() => {
      running = null;
    });
    return running;
  };

  const timer = options.intervalMs === undefined ? null : setInterval(() => void tick(), options.intervalMs);
  timer?.unref();
  return {
    kick: () => void setImmediate(() => void tick()),
    tick,
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
