/**
 * Slows password guessing on the dashboard, including a distributed run (issue #10):
 * - **Per address block** (a /24 or a /64, address-block.ts): after `maxFailures` wrong
 *   passwords within the window the block is refused (429) until the window passes, even
 *   for the right password. A sign-in refused because the hash queue was full counts as
 *   a failure too, so flooding the queue is not free.
 * - **Clean or suspect**: an attempt is clean when its block has no failures in the
 *   window and no other attempt in flight; clean attempts go first in the hash queue
 *   (password.ts). One block has at most one clean attempt in flight, so a clean lane
 *   costs a guesser one fresh block per guess, and each guess dirties the block.
 * - **Global slowdown**: while failures across all blocks reach `pressureFailures`
 *   within `pressureWindowMs`, suspect attempts need a token from one global bucket
 *   (`suspectPerSecond`, burst `suspectBurst`) and are refused without hashing when
 *   there is none. Clean attempts never need a token: the slowdown never locks out a
 *   block with no failures, it only queues it.
 * In-process (per replica), which is enough to make online guessing of a random
 * password hopeless.
 */
import type { HashPriority } from './password';
import { addressBlock } from './address-block';

export interface LoginThrottleOptions {
  maxFailures?: number;
  windowMs?: number;
  pressureFailures?: number;
  pressureWindowMs?: number;
  suspectPerSecond?: number;
  suspectBurst?: number;
}

export type Admission =
  | { admitted: false; reason: 'block_locked' | 'slowdown'; retryAfterSeconds: number }
  | { admitted: true; priority: HashPriority; done(): void };

export interface LoginThrottle {
  /** Whether to try the password now, and in which hash queue; call `done()` afterwards. */
  admit(ip: string, now: number): Admission;
  failed(ip: string, now: number): void;
  succeeded(ip: string): void;
  /** True while global failures are high enough to slow suspect attempts down. */
  underPressure(now: number): boolean;
}

const MAX_BLOCKS = 100_000;

export function createLoginThrottle(options: LoginThrottleOptions = {}): LoginThrottle {
  const maxFailures = options.maxFailures ?? 10;
  const windowMs = options.windowMs ?? 15 * 60_000;
  const pressureFailures = options.pressureFailures ?? 20;
  const pressureWindowMs = options.pressureWindowMs ?? 60_000;
  const rate = options.suspectPerSecond ?? 1;
  const burst = options.suspectBurst ?? 2;

  const failures = new Map<string, { count: number; since: number }>();
  const inFlight = new Map<string, number>();
  /** Times of recent failures anywhere, oldest first; only its length up to the threshold matters. */
  let recent: number[] = [];
  let tokens = burst;
  let refilledAt = 0;

  const current = (block: string, now: number) => {
    const entry = failures.get(block);
    if (entry && now - entry.since > windowMs) {
      failures.delete(block);
      return undefined;
    }
    return entry;
  };
  const underPressure = (now: number) => {
    if (recent.length > 0 && recent[0]! <= now - pressureWindowMs)
      recent = recent.filter((at) => at > now - pressureWindowMs);
    return recent.length >= pressureFailures;
  };
  const takeToken = (now: number): number => {
    tokens = Math.min(burst, tokens + ((now - refilledAt) / 1000) * rate);
    refilledAt = now;
    if (tokens >= 1) {
      tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - tokens) / rate));
  };

  return {
    admit(ip, now) {
      const block = addressBlock(ip);
      const entry = current(block, now);
      if ((entry?.count ?? 0) >= maxFailures)
        return { admitted: false, reason: 'block_locked', retryAfterSeconds: Math.ceil(windowMs / 1000) };
      const clean = !entry && !inFlight.get(block);
      if (!clean && underPressure(now)) {
        const wait = takeToken(now);
        if (wait > 0) return { admitted: false, reason: 'slowdown', retryAfterSeconds: wait };
      }
      inFlight.set(block, (inFlight.get(block) ?? 0) + 1);
      let finished = false;
      return {
        admitted: true,
        priority: clean ? 'clean' : 'suspect',
        done() {
          if (finished) return;
          finished = true;
          const left = (inFlight.get(block) ?? 1) - 1;
          if (left > 0) inFlight.set(block, left);
          else inFlight.delete(block);
        },
      };
    },
    failed(ip, now) {
      const block = addressBlock(ip);
      const entry = current(block, now) ?? { count: 0, since: now };
      entry.count++;
      failures.delete(block);
      failures.set(block, entry); // most recently failed last, so eviction drops the oldest
      if (failures.size > MAX_BLOCKS) failures.delete(failures.keys().next().value as string);
      recent.push(now);
      if (recent.length > pressureFailures * 4) recent = recent.slice(-pressureFailures * 2);
    },
    succeeded: (ip) => void failures.delete(addressBlock(ip)),
    underPressure,
  };
}
