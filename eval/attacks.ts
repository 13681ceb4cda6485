/**
 * Attacks for the evaluation: at least one scenario per reason code, each on its own
 * victim, at a working hour of the simulated week, mixed into the benign traffic. Each
 * names the reason that must catch it; other detectors may catch it too (reported, not
 * required). Thieves' browsers are managed too (an insider, or a stolen session replayed
 * in another enrolled browser), or the victim's own browser is the one abused.
 */
import type { ReasonCode } from '../src/shared/protocol/reason-codes';
import type { ClientFingerprint, Signal } from '../src/shared/protocol/signals';
import { sessionAt, TEAM_ID, type Device, type User } from './benign';
import { ATTACKER_WINDOWS, batch, DAY, HOUR, START, vpnIp, type Batch, type Rng } from './world';

export interface Scenario {
  id: string;
  reason: ReasonCode;
  description: string;
  /** Devices the attack brings that are not in the fleet (enrolled thieves' browsers). */
  newDevices: string[];
  batches: Batch[];
}

interface Ctx {
  rng: Rng;
  victim: User;
  device: Device;
  at: number;
  key: string;
  id: string;
}

type Build = (ctx: Ctx) => { batches: Batch[]; newDevices?: string[] };

const LINUX_NVIDIA = {
  vendor: 'Google Inc. (NVIDIA)',
  renderer: 'ANGLE (NVIDIA, NVIDIA GeForce RTX 4090/PCIe/SSE2, OpenGL 4.5.0 NVIDIA 535.113.01)',
};

function thiefDevice(rng: Rng): string {
  return `dev-thief-${rng.hex(26)}`;
}

const heartbeat = (c: Ctx, at: number, fingerprint?: ClientFingerprint): Signal => ({
  id: c.rng.uuid(),
  type: 'heartbeat',
  at,
  sessionKey: c.key,
  ...(fingerprint ? { fingerprint } : {}),
});
const download = (c: Ctx, at: number, bytes: number): Signal => ({
  id: c.rng.uuid(),
  type: 'download',
  at,
  sessionKey: c.key,
  source: 'downloads_api',
  host: 'files.slack.com',
  bytes,
});
const identity = (c: Ctx, at: number): Signal => ({
  id: c.rng.uuid(),
  type: 'slack_identity',
  at,
  sessionKey: c.key,
  teamId: TEAM_ID,
  userId: c.victim.id,
});

/** `rate` calls a minute for `minutes`, reported the way the extension does: a signal every 50 calls. */
function scrape(c: Ctx, method: string, rate: number, minutes: number): Batch[] {
  const every = (50 / rate) * 60_000;
  const out: Batch[] = [];
  for (let t = c.at; t < c.at + minutes * 60_000; t += every) {
    const windowStart = Math.round(t);
    const windowMs = Math.max(1, Math.round(every));
    out.push(
      batch(
        c.device.id,
        vpnIp(c.rng),
        [
          {
            id: c.rng.uuid(),
            type: 'api_calls',
            at: windowStart + windowMs,
            sessionKey: c.key,
            method,
            count: 50,
            windowStart,
            windowMs,
          },
        ],
        c.id,
      ),
    );
  }
  return out;
}

/** Calls to several methods at `rate` a minute each for `minutes`, a report every 10 s. */
function paced(c: Ctx, methods: string[], rate: number, minutes: number): Batch[] {
  const out: Batch[] = [];
  for (let t = c.at; t < c.at + minutes * 60_000; t += 10_000) {
    const signals: Signal[] = methods.map((method) => ({
      id: c.rng.uuid(),
      type: 'api_calls',
      at: t + 10_000,
      sessionKey: c.key,
      method,
      count: Math.round(rate / 6),
      windowStart: t,
      windowMs: 10_000,
    }));
    out.push(batch(c.device.id, vpnIp(c.rng), signals, c.id));
  }
  return out;
}

interface ScenarioSpec {
  id: string;
  reason: ReasonCode;
  description: string;
  heavyVictim?: boolean;
  /** On the week's last day: the victim has a baseline of API use by then. */
  lateInWeek?: boolean;
  build: Build;
}

const SCENARIOS: ScenarioSpec[] = [
  {
    id: 'tor-own-browser',
    reason: 'tor',
    description: "the victim's browser used through a Tor exit",
    build: (c) => ({
      batches: [
        batch(c.device.id, TOR_EXITS[0], [heartbeat(c, c.at, c.device.printOn(3))], c.id),
        batch(c.device.id, TOR_EXITS[0], [download(c, c.at + 5000, 80_000)], c.id),
      ],
    }),
  },
  {
    id: 'tor-stolen-session',
    reason: 'tor',
    description: 'a stolen session replayed in another enrolled browser over Tor',
    build: (c) => {
      const thief = thiefDevice(c.rng);
      const signals: Signal[] = [
        {
          id: c.rng.uuid(),
          type: 'session_cookie',
          at: c.at,
          sessionKey: c.key,
          change: 'appeared',
          lastSigninAt: null,
          fingerprint: ATTACKER_WINDOWS,
        },
        identity(c, c.at + 2000),
      ];
      return { batches: [batch(thief, TOR_EXITS[1], signals, c.id)], newDevices: [thief] };
    },
  },
  {
    id: 'bulk-files',
    reason: 'excessive_downloads',
    description: '400 files in 5 minutes',
    build: (c) => ({
      batches: Array.from({ length: 400 }, (_, i) =>
        batch(c.device.id, vpnIp(c.rng), [download(c, c.at + i * 750, 150_000)], c.id),
      ),
    }),
  },
  {
    id: 'bulk-bytes',
    reason: 'excessive_downloads',
    description: '6 recordings of 120 MB in 3 minutes',
    build: (c) => ({
      batches: Array.from({ length: 6 }, (_, i) =>
        batch(c.device.id, vpnIp(c.rng), [download(c, c.at + i * 30_000, 120_000_000)], c.id),
      ),
    }),
  },
  {
    id: 'bulk-heavy-user',
    reason: 'excessive_downloads',
    heavyVictim: true,
    description: "1 000 files in 10 minutes from a heavy user's session (past their baseline ceiling)",
    build: (c) => ({
      batches: Array.from({ length: 1000 }, (_, i) =>
        batch(c.device.id, vpnIp(c.rng), [download(c, c.at + i * 590, 90_000)], c.id),
      ),
    }),
  },
  {
    id: 'cookie-copied-insider',
    reason: 'session_fingerprint',
    description:
      'the cookie copied into an insider\u2019s enrolled browser, after visiting the sign-in page to look legitimate',
    build: (c) => {
      const thief = thiefDevice(c.rng);
      const signals: Signal[] = [
        { id: c.rng.uuid(), type: 'signin_navigation', at: c.at - 4000, sessionKey: null, step: 'signin' },
        {
          id: c.rng.uuid(),
          type: 'session_cookie',
          at: c.at,
          sessionKey: c.key,
          change: 'appeared',
          lastSigninAt: c.at - 4000,
          fingerprint: ATTACKER_WINDOWS,
        },
      ];
      return { batches: [batch(thief, vpnIp(c.rng), signals, c.id)], newDevices: [thief] };
    },
  },
  {
    id: 'profile-copied-windows',
    reason: 'session_fingerprint',
    description: 'the whole browser profile (device key included) copied to a Windows machine',
    build: (c) => ({
      batches: [
        batch(
          c.device.id,
          vpnIp(c.rng),
          [
            {
              id: c.rng.uuid(),
              type: 'session_cookie',
              at: c.at,
              sessionKey: c.key,
              change: 'present',
              lastSigninAt: null,
              fingerprint: ATTACKER_WINDOWS,
            },
            heartbeat(c, c.at + 200, ATTACKER_WINDOWS),
          ],
          c.id,
        ),
      ],
    }),
  },
  {
    id: 'profile-copied-same-os',
    reason: 'session_fingerprint',
    description: 'the profile copied to a machine with the same OS, time zone and languages but another GPU',
    build: (c) => ({
      batches: [
        batch(c.device.id, vpnIp(c.rng), [heartbeat(c, c.at, { ...c.device.printOn(6), webgl: LINUX_NVIDIA })], c.id),
      ],
    }),
  },
  {
    id: 'cookie-injected',
    reason: 'session_cookie_injection',
    description: "another session's cookie written into the victim's browser, no sign-in",
    build: (c) => {
      const stolen = c.rng.hex(64);
      c.device.sessions.push([c.at, stolen]);
      return {
        batches: [
          batch(
            c.device.id,
            vpnIp(c.rng),
            [
              {
                id: c.rng.uuid(),
                type: 'session_cookie',
                at: c.at,
                sessionKey: stolen,
                change: 'changed',
                lastSigninAt: c.at - 3 * HOUR,
              },
            ],
            c.id,
          ),
        ],
      };
    },
  },
  {
    id: 'cookie-into-fresh-browser',
    reason: 'session_cookie_injection',
    description: 'a session cookie imported into an enrolled browser that never signed in',
    build: (c) => {
      const thief = thiefDevice(c.rng);
      return {
        batches: [
          batch(
            thief,
            vpnIp(c.rng),
            [
              {
                id: c.rng.uuid(),
                type: 'session_cookie',
                at: c.at,
                sessionKey: c.key,
                change: 'appeared',
                lastSigninAt: null,
                fingerprint: c.device.printOn(4),
              },
            ],
            c.id,
          ),
        ],
        newDevices: [thief],
      };
    },
  },
  {
    id: 'scrape-history',
    reason: 'unexpected_api_call_volume',
    description: 'conversations.history at 1 000 calls a minute for 3 minutes',
    build: (c) => ({ batches: scrape(c, 'conversations.history', 1000, 3) }),
  },
  {
    id: 'scrape-users',
    reason: 'unexpected_api_call_volume',
    description: 'users.list at 400 calls a minute for 2 minutes',
    build: (c) => ({ batches: scrape(c, 'users.list', 400, 2) }),
  },
  {
    id: 'scrape-search',
    reason: 'unexpected_api_call_volume',
    description: 'search.messages at 320 calls a minute for 2 minutes',
    build: (c) => ({ batches: scrape(c, 'search.messages', 320, 2) }),
  },
  {
    id: 'untrusted-residential',
    reason: 'ip_address',
    description: 'the session used from a residential address outside the trusted ranges',
    build: (c) => ({
      batches: [
        batch(c.device.id, '81.2.69.160', [heartbeat(c, c.at)], c.id),
        batch(c.device.id, '81.2.69.160', [download(c, c.at + 3000, 200_000)], c.id),
      ],
    }),
  },
  {
    id: 'untrusted-cloud',
    reason: 'ip_address',
    description: 'the session used from a cloud VPS',
    build: (c) => ({ batches: [batch(c.device.id, '34.90.12.7', [heartbeat(c, c.at)], c.id)] }),
  },
  ...WEB_API_SCENARIOS(),
];

/** Set by attackWeek before any scenario is built. */
let TOR_EXITS: [string, string] = ['', ''];
/** Issue #14: Slack AER's web API anomalies and the spoofed user agent. */
function WEB_API_SCENARIOS(): ScenarioSpec[] {
  return [
    {
      id: 'wipe-messages',
      reason: 'unexpected_message_deletion',
      description: 'chat.delete at 300 calls a minute for 2 minutes',
      build: (c) => ({ batches: scrape(c, 'chat.delete', 300, 2) }),
    },
    {
      id: 'share-public-links',
      reason: 'excessive_file_shares',
      description: 'files.sharedPublicURL at 200 a minute for a minute',
      build: (c) => ({ batches: scrape(c, 'files.sharedPublicURL', 200, 1) }),
    },
    {
      id: 'admin-burst',
      reason: 'unexpected_admin_action',
      description: 'admin.users.session.reset at 200 calls a minute for a minute',
      build: (c) => ({ batches: scrape(c, 'admin.users.session.reset', 200, 1) }),
    },
    {
      id: 'admin-first-use',
      reason: 'unexpected_admin_action',
      description: 'three admin.users.list calls from a user with four days of API use and no admin call',
      lateInWeek: true,
      build: (c) => ({ batches: paced(c, ['admin.users.list'], 18, 1 / 6) }),
    },
    {
      id: 'export-tool',
      reason: 'unexpected_scraping',
      description:
        'conversations.history and .replies at 60 calls a minute each for 10 minutes (under the volume limit)',
      build: (c) => ({ batches: paced(c, ['conversations.history', 'conversations.replies'], 60, 10) }),
    },
    {
      id: 'listed-network',
      reason: 'asn',
      description: "the victim's session used from an address in a range on the org's indicator list",
      build: (c) => ({ batches: [batch(c.device.id, '45.141.84.77', [heartbeat(c, c.at)], c.id)] }),
    },
    {
      id: 'cloud-network',
      reason: 'asn',
      description: "a stolen session replayed from a DigitalOcean server (cloud-asn; the org's VPN in AWS is excluded)",
      build: (c) => {
        const thief = thiefDevice(c.rng);
        const ip = `159.89.${c.rng.int(0, 255)}.${c.rng.int(1, 254)}`;
        return { batches: [batch(thief, ip, [heartbeat(c, c.at, ATTACKER_WINDOWS)], c.id)], newDevices: [thief] };
      },
    },
    {
      id: 'new-network',
      reason: 'asn',
      description:
        "the victim's own browser reporting from a home ISP (BT) the user never used, after the learning period (new-asn)",
      lateInWeek: true,
      build: (c) => ({
        batches: [
          batch(
            c.device.id,
            `86.${c.rng.int(128, 191)}.${c.rng.int(0, 255)}.${c.rng.int(1, 254)}`,
            [heartbeat(c, c.at)],
            c.id,
          ),
        ],
      }),
    },
    {
      id: 'spoofed-windows-ua',
      reason: 'spoofed_user_agent',
      description: "a stolen session in a Linux browser set to the victim's Windows user agent",
      build: (c) => {
        const thief = thiefDevice(c.rng);
        const fp: ClientFingerprint = {
          ...c.device.printOn(4),
          ...ATTACKER_LINUX,
          userAgent: ATTACKER_WINDOWS.userAgent,
        };
        return { batches: [batch(thief, vpnIp(c.rng), [heartbeat(c, c.at, fp)], c.id)], newDevices: [thief] };
      },
    },
  ];
}

/** On the eval's indicator list (index.ts). */
export const IOC_RANGE = '45.141.84.0/24';

const ATTACKER_LINUX = { platform: 'Linux', platformVersion: '6.5.0', webgl: LINUX_NVIDIA };

export function attackWeek(rng: Rng, users: User[], torExits: readonly string[]): Scenario[] {
  TOR_EXITS = [rng.pick(torExits), rng.pick(torExits)];
  const pool = users.filter((u) => !u.heavy && !u.admin);
  const heavy = users.filter((u) => u.heavy);
  return SCENARIOS.map((s, n) => {
    const victim = s.heavyVictim ? heavy[n % heavy.length] : pool.splice(rng.int(0, pool.length - 1), 1)[0];
    // Late in the week, so every victim has signed in and heavy users have a baseline; the
    // heavy user's after work, so their own (legitimate) big burst is not in the same window.
    const day = s.heavyVictim || s.lateInWeek ? 6 : rng.int(3, 6);
    const hour = s.heavyVictim ? 20 : rng.int(11, 15);
    const at = START + day * DAY + hour * HOUR + rng.int(0, 59) * 60_000;
    if (!victim) throw new Error(`no user left to be the victim of ${s.id}`);
    const device = victim.devices[0];
    if (!device) throw new Error(`${victim.id} has no device for ${s.id}`);
    const key = sessionAt(device, at) ?? rng.hex(64);
    const built = s.build({ rng, victim, device, at, key, id: s.id });
    return {
      id: s.id,
      reason: s.reason,
      description: s.description,
      newDevices: built.newDevices ?? [],
      batches: built.batches,
    };
  });
}
