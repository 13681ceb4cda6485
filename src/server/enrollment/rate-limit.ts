/**
 * Token buckets for POST /v1/enroll (issue #10): each key (a source address block, or
 * one shared key for the total) holds up to `perMinute` tokens and refills at
 * `perMinute` a minute, so a burst of that size passes and then the steady rate. Time
 * comes from the caller (the app's injectable clock). In memory, per replica: N replicas
 * allow N times the total. A full bucket is the same as no bucket, so those are dropped
 * when the map grows, which bounds memory under a spray from many addresses.
 */
import { isIPv4, isIPv6 } from 'node:net';

export type TakeResult = { ok: true } | { ok: false; retryAfterSeconds: number };

export interface RateLimiter {
  take(key: string, now: number): TakeResult;
}

const MAX_KEYS = 50_000;

export function createRateLimiter(perMinute: number): RateLimiter {
  if (perMinute <= 0) return { take: () => ({ ok: true }) };
  const perMs = perMinute / 60_000;
  const buckets = new Map<string, { tokens: number; at: number }>();
  const level = (b: { tokens: number; at: number }, now: number) =>
    Math.min(perMinute, b.tokens + Math.max(0, now - b.at) * perMs);
  const prune = (now: number) => {
    for (const [key, b] of buckets) if (level(b, now) >= perMinute) buckets.delete(key);
    // Still too many (a spray from that many addresses within a minute): forget the oldest.
    for (const key of buckets.keys()) {
      if (buckets.size <= MAX_KEYS) break;
      buckets.delete(key);
    }
  };
  return {
    take(key, now) {
      const b = buckets.get(key);
      const tokens = b ? level(b, now) : perMinute;
      if (tokens < 1) {
        return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / perMs / 1000)) };
      }
      if (!b && buckets.size >= MAX_KEYS) prune(now);
      buckets.set(key, { tokens: tokens - 1, at: now });
      return { ok: true };
    },
  };
}

/** The bucket a source address counts against: IPv4 as is, IPv6 by its /64 (one host's share). */
export function addressKey(ip: string | undefined): string {
  if (!ip) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (isIPv4(ip) || !isIPv6(ip)) return ip;
  const [head, tail = ''] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
