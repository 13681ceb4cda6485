/**
 * Slows password guessing on the dashboard: after `maxFailures` wrong passwords from one
 * address within the window, that address is refused until the window passes. In-process
 * (per replica), which is enough to make online guessing of a random password hopeless.
 */
export interface LoginThrottle {
  blocked(key: string, now: number): boolean;
  failed(key: string, now: number): void;
  succeeded(key: string): void;
}

export function createLoginThrottle(maxFailures = 10, windowMs = 15 * 60_000): LoginThrottle {
  const failures = new Map<string, { count: number; since: number }>();
  const current = (key: string, now: number) => {
    const entry = failures.get(key);
    if (entry && now - entry.since > windowMs) {
      failures.delete(key);
      return undefined;
    }
    return entry;
  };
  return {
    blocked: (key, now) => (current(key, now)?.count ?? 0) >= maxFailures,
    failed(key, now) {
      const entry = current(key, now) ?? { count: 0, since: now };
      entry.count++;
      failures.set(key, entry);
      if (failures.size > 10_000) failures.delete(failures.keys().next().value as string);
    },
    succeeded: (key) => void failures.delete(key),
  };
}
