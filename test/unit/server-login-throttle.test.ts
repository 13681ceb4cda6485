import { describe, expect, it } from 'vitest';
import { addressBlock } from '../../src/server/auth/address-block';
import { createLoginThrottle, type Admission } from '../../src/server/auth/login-throttle';

const T0 = Date.parse('2026-01-05T09:00:00Z');

function failFrom(throttle: ReturnType<typeof createLoginThrottle>, ip: string, now = T0) {
  const admission = throttle.admit(ip, now);
  if (!admission.admitted) throw new Error(`${ip} was refused: ${admission.reason}`);
  admission.done();
  throttle.failed(ip, now);
}

const outcome = (a: Admission) => (a.admitted ? a.priority : a.reason);

describe('sign-in throttle', () => {
  it('counts IPv4 per /24 and IPv6 per /64, an IPv4-mapped address as its IPv4 one', () => {
    expect(addressBlock('203.0.113.9')).toBe('203.0.113.0/24');
    expect(addressBlock('::ffff:203.0.113.77')).toBe('203.0.113.0/24');
    expect(addressBlock('2001:db8:1:2:aaaa::9')).toBe('2001:db8:1:2::/64');
    expect(addressBlock('2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
  });

  it('locks a /24 after ten failures from ten of its addresses, and not the next /24', () => {
    const throttle = createLoginThrottle();
    for (let i = 1; i <= 10; i++) failFrom(throttle, `203.0.113.${i}`);

    const neighbour = throttle.admit('203.0.113.200', T0);
    const next = throttle.admit('203.0.114.1', T0);

    expect(neighbour).toEqual({ admitted: false, reason: 'block_locked', retryAfterSeconds: 900 });
    expect(outcome(next)).toBe('clean');
  });

  it('locks a /64 after ten failures, and not the next /64', () => {
    const throttle = createLoginThrottle();
    for (let i = 1; i <= 10; i++) failFrom(throttle, `2001:db8:1:2::${i.toString(16)}`);

    expect(outcome(throttle.admit('2001:db8:1:2:ffff:1:2:3', T0))).toBe('block_locked');
    expect(outcome(throttle.admit('2001:db8:1:3::1', T0))).toBe('clean');
  });

  it('takes one clean attempt per block at a time; the block is clean again once it is done', () => {
    const throttle = createLoginThrottle();

    const first = throttle.admit('198.51.100.7', T0);
    const second = throttle.admit('198.51.100.8', T0);
    if (first.admitted) first.done();
    if (second.admitted) second.done();
    const third = throttle.admit('198.51.100.9', T0);

    expect([outcome(first), outcome(second), outcome(third)]).toEqual(['clean', 'suspect', 'clean']);
  });

  it('under a distributed run, slows blocks with failures to a trickle and never refuses one without', () => {
    const throttle = createLoginThrottle({ pressureFailures: 20, suspectPerSecond: 1, suspectBurst: 2 });
    for (let i = 0; i < 20; i++) failFrom(throttle, `10.${i}.0.1`);
    const now = T0 + 10;

    const suspects = Array.from({ length: 5 }, (_, i) => throttle.admit(`10.${i}.0.1`, now));
    const cleans = Array.from({ length: 200 }, (_, i) => throttle.admit(`172.${16 + (i >> 8)}.${i & 255}.9`, now));

    expect(throttle.underPressure(now)).toBe(true);
    expect(suspects.map(outcome)).toEqual(['suspect', 'suspect', 'slowdown', 'slowdown', 'slowdown']);
    expect(suspects[2]).toMatchObject({ retryAfterSeconds: 1 });
    expect(new Set(cleans.map(outcome))).toEqual(new Set(['clean']));
  });

  it('lets the slowdown go once failures stop', () => {
    const throttle = createLoginThrottle({ pressureFailures: 20, pressureWindowMs: 60_000 });
    for (let i = 0; i < 20; i++) failFrom(throttle, `10.${i}.0.1`);

    const later = T0 + 61_000;

    expect(throttle.underPressure(T0)).toBe(true);
    expect(throttle.underPressure(later)).toBe(false);
    expect(Array.from({ length: 5 }, () => outcome(throttle.admit('10.1.0.1', later)))).toEqual(
      Array(5).fill('suspect'),
    );
  });
});
