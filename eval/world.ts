/**
 * The simulated organisation the evaluation replays (`npm run eval`): a seeded random
 * source, the simulated week, the networks (trusted office and VPN egress ranges), the
 * client fingerprints of the fleet and of attackers' machines, and the batch a device
 * sends. Deterministic: the same seed gives the same week.
 */
import { Signal, type ClientFingerprint } from '../src/shared/protocol/signals';

/** The week of the real Tor exit list in test/fixtures/tor (2023-10-14, a Saturday). */
export const START = Date.parse('2023-10-14T00:00:00Z');
export const DAY = 86_400_000;
export const HOUR = 3_600_000;
export const MINUTE = 60_000;

export const OFFICE_CIDR = '203.0.113.0/24';
export const VPN_CIDR = '198.51.100.0/24';
export const TRUSTED_CIDRS = [OFFICE_CIDR, VPN_CIDR];
/** The VPN's egress is in an AWS region (a hosting provider's AS, excluded by the eval policy). */
export const VPN_ASN = 16509;
/** The office's ISP and the VPN's egress as IP-to-ASN rows (iptoasn.com format), for the asn detector. */
export const EVAL_ASN_ROWS =
  '203.0.113.0\t203.0.113.255\t64500\tGB\tEVAL-OFFICE-ISP\n' +
  `198.51.100.0\t198.51.100.255\t${VPN_ASN}\tUS\tAMAZON-02\n`;

export interface Rng {
  next(): number;
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
  hex(length: number): string;
  uuid(): string;
}

/** mulberry32: small, fast, and good enough to shuffle a simulated week. */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const hex = (length: number) => Array.from({ length }, () => Math.floor(next() * 16).toString(16)).join('');
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[Math.floor(next() * items.length)]!;
    },
    chance: (p) => next() < p,
    hex,
    uuid: () => `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[Math.floor(next() * 4)]}${hex(3)}-${hex(12)}`,
  };
}

export const officeIp = (rng: Rng) => `203.0.113.${rng.int(1, 8)}`;
export const vpnIp = (rng: Rng) => `198.51.100.${rng.int(10, 60)}`;

/** A batch as the backend receives it, and whether it belongs to an attack. */
export interface Batch {
  deviceId: string;
  sourceIp: string;
  /** Server clock when it arrives. */
  receivedAt: number;
  signals: Signal[];
  /** The attack scenario this batch is part of, or null for benign activity. */
  scenario: string | null;
}

export function batch(deviceId: string, sourceIp: string, signals: Signal[], scenario: string | null = null): Batch {
  const parsed = signals.map((s) => Signal.parse(s)); // the wire format, exactly
  const last = Math.max(...parsed.map((s) => s.at));
  return { deviceId, sourceIp, receivedAt: last + 150, signals: parsed, scenario };
}

const UA = (os: string, major: number) =>
  `Mozilla/5.0 (${os}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${major}.0.0.0 Safari/537.36`;

const MACHINES = [
  {
    os: 'Windows NT 10.0; Win64; x64',
    platform: 'Windows',
    gpu: [
      'Google Inc. (Intel)',
      'ANGLE (Intel, Intel(R) Iris(R) Xe Graphics Direct3D11 vs_5_0 ps_5_0, D3D11-31.0.101.4502)',
    ],
  },
  {
    os: 'Windows NT 10.0; Win64; x64',
    platform: 'Windows',
    gpu: [
      'Google Inc. (NVIDIA)',
      'ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11 vs_5_0 ps_5_0, D3D11-31.0.15.3623)',
    ],
  },
  {
    os: 'Macintosh; Intel Mac OS X 10_15_7',
    platform: 'macOS',
    gpu: ['Google Inc. (Apple)', 'ANGLE (Apple, ANGLE Metal Renderer: Apple M2, Unspecified Version)'],
  },
  {
    os: 'X11; Linux x86_64',
    platform: 'Linux',
    gpu: ['Google Inc. (Intel)', 'ANGLE (Intel, Mesa Intel(R) UHD Graphics 620 (KBL GT2), OpenGL 4.6)'],
  },
] as const;

const LOCALES = [
  { timezone: 'Europe/London', languages: ['en-GB', 'en'] },
  { timezone: 'Europe/Berlin', languages: ['de-DE', 'de', 'en'] },
  { timezone: 'America/New_York', languages: ['en-US', 'en'] },
  { timezone: 'Europe/Paris', languages: ['fr-FR', 'fr', 'en'] },
] as const;

export const SCREENS = [
  { width: 1920, height: 1080, colorDepth: 24, pixelRatio: 1 },
  { width: 2560, height: 1440, colorDepth: 24, pixelRatio: 1 },
  { width: 1512, height: 982, colorDepth: 30, pixelRatio: 2 },
  { width: 3840, height: 2160, colorDepth: 24, pixelRatio: 1.5 },
];

/** Chrome 117 was current on 2023-10-14; 118 rolled out that week. */
export function fleetFingerprint(rng: Rng): ClientFingerprint {
  const machine = rng.pick(MACHINES);
  const locale = rng.pick(LOCALES);
  const arm = machine.platform === 'macOS';
  return {
    userAgent: UA(machine.os, 117),
    browserVersion: 'Google Chrome 117.0.5938.149',
    platform: machine.platform,
    platformVersion: machine.platform === 'Windows' ? '15.0.0' : machine.platform === 'macOS' ? '14.0.0' : '6.2.0',
    architecture: arm ? 'arm' : 'x86',
    bitness: '64',
    model: '',
    mobile: false,
    hardwareConcurrency: rng.pick([4, 8, 12, 16]),
    deviceMemory: 8,
    languages: [...locale.languages],
    timezone: locale.timezone,
    screen: rng.pick(SCREENS),
    webgl: { vendor: machine.gpu[0], renderer: machine.gpu[1] },
  };
}

/** The same browser after an update to Chrome 118: only version numbers change. */
export function updated(fp: ClientFingerprint): ClientFingerprint {
  return {
    ...fp,
    userAgent: fp.userAgent.replace('Chrome/117', 'Chrome/118'),
    browserVersion: 'Google Chrome 118.0.5993.71',
  };
}

/** An attacker's machine: Windows with a gaming GPU, somewhere else. */
export const ATTACKER_WINDOWS: ClientFingerprint = {
  ...fleetFingerprint(createRng(7)),
  userAgent: UA('Windows NT 10.0; Win64; x64', 117),
  platform: 'Windows',
  architecture: 'x86',
  webgl: {
    vendor: 'Google Inc. (AMD)',
    renderer: 'ANGLE (AMD, AMD Radeon RX 6700 XT Direct3D11 vs_5_0 ps_5_0, D3D11-31.0.21001.45002)',
  },
  timezone: 'Asia/Yekaterinburg',
  languages: ['ru-RU', 'ru'],
  hardwareConcurrency: 24,
};
