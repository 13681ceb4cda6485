/**
 * Slack web API volume (issue #3): every request to `https://slack.com/api/*` or
 * `https://*.slack.com/api/*`, counted per method in short windows and reported as
 * `api_calls` signals: the method name and a count, never arguments, tokens or replies.
 * A window closes WINDOW_MS after its first call, or at once when it reaches
 * EARLY_FLUSH_CALLS calls (then urgently), so a scraping loop is reported within moments
 * while normal use costs one small signal a method every ten seconds at most. The backend
 * sums the windows of a method over a minute (detectors/unexpected_api_call_volume.ts).
 */
import { browser } from 'wxt/browser';
import type { SignalSink } from './types';

export const API_PATTERNS = ['https://slack.com/api/*', 'https://*.slack.com/api/*'];
export const WINDOW_MS = 10_000;
export const EARLY_FLUSH_CALLS = 50;
const METHOD = /^[a-zA-Z][a-zA-Z0-9._]{0,79}$/;

/** `conversations.history` from `https://app.slack.com/api/conversations.history?…`, else null. */
export function apiMethod(url: string): string | null {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return null;
  }
  const match = /^\/api\/([^/]+)\/?$/.exec(path);
  const method = match?.[1];
  return method !== undefined && METHOD.test(method) ? method : null;
}

export interface CounterClock {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realClock: CounterClock = {
  now: () => Date.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** The onBeforeRequest handler: synchronous, a URL parse and a counter bump per call. */
export function apiCallCounter(
  sink: SignalSink,
  clock: CounterClock = realClock,
): (details: { url: string }) => undefined {
  const windows = new Map<string, { start: number; count: number; timer: unknown }>();
  const close = (method: string, urgent: boolean) => {
    const window = windows.get(method);
    if (!window) return;
    windows.delete(method);
    clock.clearTimeout(window.timer);
    const windowMs = Math.max(1, clock.now() - window.start);
    void sink.record(
      { type: 'api_calls', method, count: window.count, windowStart: window.start, windowMs },
      { urgent },
    );
  };
  return (details) => {
    const method = apiMethod(details.url);
    if (!method) return undefined;
    let window = windows.get(method);
    if (!window) {
      window = { start: clock.now(), count: 0, timer: clock.setTimeout(() => close(method, false), WINDOW_MS) };
      windows.set(method, window);
    }
    window.count++;
    if (window.count >= EARLY_FLUSH_CALLS) close(method, true);
    return undefined;
  };
}

export function watchApiCalls(sink: SignalSink): void {
  browser.webRequest.onBeforeRequest.addListener(apiCallCounter(sink), { urls: API_PATTERNS });
}
