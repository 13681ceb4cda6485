/**
 * Benign activity for the evaluation: every user's week as their browsers report it.
 * Sign-in on the first day, a browser start every working morning (the session cookie
 * found `present`), hourly heartbeats, ordinary downloads plus big legitimate bursts under
 * the thresholds, a few heavy users whose normal day is above them (their baseline must
 * carry them), API use with busy search bursts, moves between office and VPN (both
 * trusted), a browser update mid-week, new monitors, travel to another time zone, and
 * signing out and in again.
 */
import type { ClientFingerprint, Signal } from '../src/shared/protocol/signals';
import {
  batch,
  DAY,
  fleetFingerprint,
  HOUR,
  MINUTE,
  officeIp,
  SCREENS,
  START,
  updated,
  vpnIp,
  type Batch,
  type Rng,
} from './world';

export const TEAM_ID = 'T0EVAL001';
const API_METHODS = [
  'conversations.history',
  'conversations.replies',
  'users.info',
  'client.counts',
  'search.messages',
  'files.info',
];

export interface Device {
  id: string;
  userId: string;
  fingerprint: ClientFingerprint;
  /** [from, sessionKey] changes over the week, oldest first. */
  sessions: [number, string][];
  /** The device's fingerprint on each day (after updates, monitors, travel). */
  printOn: (day: number) => ClientFingerprint;
}

export interface User {
  id: string;
  heavy: boolean;
  /** A Slack admin: admin.* calls every working day (benign-web-api.ts). */
  admin: boolean;
  devices: Device[];
}

export const sessionAt = (device: Device, at: number) =>
  device.sessions.filter(([from]) => from <= at).at(-1)?.[1] ?? null;

export function makeUsers(rng: Rng, count: number): User[] {
  return Array.from({ length: count }, (_, n) => {
    const id = `U0EVAL${String(n + 1).padStart(3, '0')}`;
    const heavy = n % 20 === 7;
    const admin = n % 25 === 3;
    const updateDay = rng.int(1, 6);
    const travel = rng.chance(0.06) ? rng.int(2, 5) : -1;
    const docking = rng.chance(0.3);
    const devices = Array.from({ length: rng.chance(0.25) ? 2 : 1 }, () => {
      const base = fleetFingerprint(rng);
      const screens = SCREENS.map((s) => ({ ...s }));
      const device: Device = {
        id: `dev-${rng.hex(32)}`,
        userId: id,
        fingerprint: base,
        sessions: [],
        printOn: (day) => {
          let fp = day >= updateDay ? updated(base) : base;
          if (docking) fp = { ...fp, screen: screens[day % screens.length]! };
          if (day === travel) fp = { ...fp, timezone: 'Asia/Singapore' };
          return fp;
        },
      };
      return device;
    });
    return { id, heavy, admin, devices };
  });
}

export function benignWeek(rng: Rng, users: User[], days = 7): Batch[] {
  const batches: Batch[] = [];
  for (const user of users) {
    for (const device of user.devices) batches.push(...deviceWeek(rng, user, device, days));
  }
  return batches;
}

function deviceWeek(rng: Rng, user: User, device: Device, days: number): Batch[] {
  const out: Batch[] = [];
  const id = () => rng.uuid();
  let activeDays = 0;
  for (let day = 0; day < days; day++) {
    const weekend = new Date(START + day * DAY).getUTCDay() % 6 === 0;
    if (weekend && !rng.chance(0.3)) continue;
    const start = START + day * DAY + rng.int(7 * 60, 10 * 60) * MINUTE;
    const end = start + rng.int(6, 9) * HOUR;
    const fp = device.printOn(day);
    const switchAt = rng.chance(0.25) ? start + rng.int(2, 5) * HOUR : Infinity;
    // A browser's first day is at the office (onboarding), so every user's history holds the
    // office's network before new-asn's learning period ends (the VPN's is excluded: index.ts).
    const atOffice = rng.chance(0.6) || device.sessions.length === 0;
    let ip = atOffice ? officeIp(rng) : vpnIp(rng);
    const otherIp = ip.startsWith('203.') ? vpnIp(rng) : officeIp(rng);
    const ipAt = (t: number) => (t >= switchAt ? otherIp : ip);
    const send = (signals: Signal[]) =>
      out.push(batch(device.id, ipAt(Math.max(...signals.map((s) => s.at))), signals));
    const identity = (at: number): Signal => ({
      id: id(),
      type: 'slack_identity',
      at,
      sessionKey: sessionAt(device, at),
      teamId: TEAM_ID,
      userId: user.id,
    });

    if (device.sessions.length === 0) {
      const key = rng.hex(64);
      device.sessions.push([start + 800, key]);
      send([
        { id: id(), type: 'signin_navigation', at: start + 700, sessionKey: null, step: 'completed' },
        {
          id: id(),
          type: 'session_cookie',
          at: start + 800,
          sessionKey: key,
          change: 'appeared',
          lastSigninAt: start,
          fingerprint: fp,
        },
      ]);
    } else {
      // A browser start: the cookie is found where it was; storage.session is empty again.
      send([
        {
          id: id(),
          type: 'session_cookie',
          at: start,
          sessionKey: sessionAt(device, start),
          change: 'present',
          lastSigninAt: null,
          fingerprint: fp,
        },
        { id: id(), type: 'heartbeat', at: start + 200, sessionKey: sessionAt(device, start), fingerprint: fp },
      ]);
    }
    send([identity(start + 3000)]);
    activeDays++;

    if (!weekend && activeDays > 1 && rng.chance(0.1))
      signOutAndIn(rng, device, start + rng.int(3, 5) * HOUR, fp, send);
    for (let t = start + HOUR; t < end; t += HOUR)
      send([{ id: id(), type: 'heartbeat', at: t, sessionKey: sessionAt(device, t), fingerprint: fp }]);
    out.push(...downloads(rng, user, device, start, end, activeDays, ipAt));
    for (let t = start; t < end; t += HOUR) out.push(...apiUse(rng, device, t, ipAt));
  }
  return out;
}

function signOutAndIn(rng: Rng, device: Device, at: number, fp: ClientFingerprint, send: (s: Signal[]) => void): void {
  const old = sessionAt(device, at);
  send([{ id: rng.uuid(), type: 'session_cookie', at, sessionKey: old, change: 'removed', lastSigninAt: null }]);
  const back = at + rng.int(2, 40) * MINUTE;
  const key = rng.hex(64);
  device.sessions.push([back + 900, key]);
  send([
    {
      id: rng.uuid(),
      type: 'signin_navigation',
      at: back + 800, // Slack's answer in the flow set the cookie (issue #10)
      sessionKey: null,
      step: 'completed',
    },
    {
      id: rng.uuid(),
      type: 'session_cookie',
      at: back + 900,
      sessionKey: key,
      change: 'appeared',
      lastSigninAt: back,
      fingerprint: fp,
    },
  ]);
}

function downloads(
  rng: Rng,
  user: User,
  device: Device,
  start: number,
  end: number,
  activeDay: number,
  ipAt: (t: number) => string,
): Batch[] {
  const out: Batch[] = [];
  const file = (at: number, bytes: number) =>
    out.push(
      batch(device.id, ipAt(at), [
        {
          id: rng.uuid(),
          type: 'download',
          at,
          sessionKey: sessionAt(device, at),
          source: rng.pick(['downloads_api', 'web_request'] as const),
          host: 'files.slack.com',
          bytes,
        },
      ]),
    );
  const span = end - start;
  // A quiet slot (away from the usual downloads) for a burst: the usual ones skip +-10 min of it.
  const burstAt = start + Math.floor(span / 2);
  const clear = (t: number) => Math.abs(t - burstAt) > 11 * MINUTE;
  if (user.heavy) {
    // 260-320 files a day, spread out; from the fourth active day one burst near their daily volume.
    const daily = rng.int(260, 320);
    for (let i = 0; i < daily; i++) {
      const t = start + Math.floor((span * i) / daily);
      if (activeDay < 4 || clear(t)) file(t, rng.int(20_000, 400_000));
    }
    if (activeDay >= 4) for (let i = 0; i < rng.int(200, 240); i++) file(burstAt + i * 2200, rng.int(20_000, 400_000));
    return out;
  }
  for (let i = rng.int(0, 14); i > 0; i--) {
    const t = start + Math.floor(rng.next() * span);
    if (clear(t)) file(t, Math.round(10 ** (4 + 3.4 * rng.next() ** 2)));
  }
  if (rng.chance(0.12)) {
    // Big and legitimate: a project folder (many files) or a few large recordings, under the limits.
    if (rng.chance(0.5))
      for (let i = 0, n = rng.int(120, 185); i < n; i++) file(burstAt + i * 2500, rng.int(20_000, 1_500_000));
    else for (let i = 0; i < 4; i++) file(burstAt + i * 140_000, rng.int(100_000_000, 118_000_000));
  }
  return out;
}

function apiUse(rng: Rng, device: Device, hour: number, ipAt: (t: number) => string): Batch[] {
  const windows: Signal[] = [];
  for (let i = rng.int(3, 8); i > 0; i--) {
    const windowStart = hour + rng.int(0, 59 * 60) * 1000;
    windows.push({
      id: rng.uuid(),
      type: 'api_calls',
      at: windowStart + 10_000,
      sessionKey: sessionAt(device, windowStart),
      method: rng.pick(API_METHODS),
      count: rng.int(1, 45),
      windowStart,
      windowMs: 10_000,
    });
  }
  const out = [batch(device.id, ipAt(hour), windows)];
  if (rng.chance(0.08)) {
    // A busy search: four full windows in 40 s (196 calls a minute), each sent at once.
    const t = hour + rng.int(0, 50) * MINUTE;
    for (let i = 0; i < 4; i++) {
      const windowStart = t + i * 10_000;
      out.push(
        batch(device.id, ipAt(t), [
          {
            id: rng.uuid(),
            type: 'api_calls',
            at: windowStart + 10_000,
            sessionKey: sessionAt(device, t),
            method: 'search.messages',
            count: 49,
            windowStart,
            windowMs: 10_000,
          },
        ]),
      );
    }
  }
  return out;
}
