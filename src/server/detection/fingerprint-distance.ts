/**
 * How far apart two client fingerprints are, component by component (docs/detection.md,
 * "session_fingerprint"). Weights are chosen so that what a person's own browser does over
 * time scores below MISMATCH_SCORE (a browser update, an OS update, a new monitor or
 * scaling, travelling to another time zone, adding a language), and what only another
 * machine or another browser does reaches it (another OS, CPU architecture, GPU, device
 * class or model, or the time zone and the language set changing together). A component
 * either side could not read (null, empty, "unknown") is not compared.
 */
import type { ClientFingerprint } from '../../shared/protocol/signals';

export const MISMATCH_SCORE = 1;

export const WEIGHTS = {
  os: 1,
  architecture: 1,
  gpu: 1,
  mobile: 1,
  model: 1,
  browser: 0.5,
  timezone: 0.5,
  languages: 0.5,
  hardwareConcurrency: 0.25,
  deviceMemory: 0.25,
} as const;
export type Component = keyof typeof WEIGHTS;

/** Compared and deliberately weightless: they change on the same machine. */
export const IGNORED = ['browserVersion', 'userAgent version numbers', 'platformVersion', 'screen'] as const;

export interface ComponentDifference {
  component: Component;
  weight: number;
  bound: string;
  seen: string;
}

export interface FingerprintDistance {
  score: number;
  mismatch: boolean;
  differences: ComponentDifference[];
}

/** The OS family a user-agent string or a client-hints platform names. */
export function osFamily(text: string | null): string | null {
  if (!text) return null;
  const t = text.toLowerCase();
  if (/iphone|ipad|ipod|\bios\b/.test(t)) return 'ios';
  if (/android/.test(t)) return 'android';
  if (/cros|chrome os|chromeos/.test(t)) return 'chromeos';
  if (/windows|win32|win64/.test(t)) return 'windows';
  if (/mac ?os|macintosh|macintel|darwin/.test(t)) return 'macos';
  if (/linux|x11|ubuntu|fedora/.test(t)) return 'linux';
  return null;
}

/** The browser a user agent names: Edge, Opera, Firefox, Safari or Chrome(ium). */
export function browserFamily(ua: string | null): string | null {
  if (!ua) return null;
  if (/\bEdgA?\//.test(ua)) return 'edge';
  if (/\bOPR\//.test(ua)) return 'opera';
  if (/\bFirefox\//.test(ua)) return 'firefox';
  if (/(Headless)?Chrome\/|CriOS\//.test(ua)) return 'chrome';
  if (/Safari\//.test(ua)) return 'safari';
  return null;
}

/** The GPU without driver versions and shader-model suffixes, which updates change. */
export function gpuIdentity(webgl: ClientFingerprint['webgl']): string | null {
  if (!webgl || (!webgl.vendor && !webgl.renderer)) return null;
  const clean = (s: string) =>
    s
      .toLowerCase()
      .replace(/\b(vs|ps)_\d+_\d+\b/g, ' ')
      .replace(/\b\d+(\.\d+)+\b/g, ' ')
      .replace(/\bd3d\d+(-[\d.]+)?\b|\bdirect3d\d+\b/g, ' ')
      .replace(/[(),]/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
  return `${clean(webgl.vendor)} | ${clean(webgl.renderer)}`;
}

const known = (v: string | null | undefined): v is string => typeof v === 'string' && v !== '' && v !== 'unknown';

function architecture(fp: ClientFingerprint): string | null {
  return known(fp.architecture) ? `${fp.architecture}${known(fp.bitness) ? `-${fp.bitness}` : ''}` : null;
}

function languageSet(fp: ClientFingerprint): string | null {
  if (fp.languages.length === 0) return null;
  return [...new Set(fp.languages.map((l) => l.toLowerCase()))].sort().join(',');
}

type Reader = (fp: ClientFingerprint) => string | null;

const READERS: Record<Component, Reader[]> = {
  // Either view of the OS differing is enough: a spoofed user agent still names one.
  os: [(fp) => osFamily(fp.userAgent), (fp) => osFamily(known(fp.platform) ? fp.platform : null)],
  architecture: [architecture],
  gpu: [(fp) => gpuIdentity(fp.webgl)],
  mobile: [(fp) => (fp.mobile === null ? null : String(fp.mobile))],
  model: [(fp) => (known(fp.model) ? fp.model : null)],
  browser: [(fp) => browserFamily(fp.userAgent)],
  timezone: [(fp) => (known(fp.timezone) ? fp.timezone : null)],
  languages: [languageSet],
  hardwareConcurrency: [(fp) => (fp.hardwareConcurrency ? String(fp.hardwareConcurrency) : null)],
  deviceMemory: [(fp) => (fp.deviceMemory ? String(fp.deviceMemory) : null)],
};

export function fingerprintDistance(bound: ClientFingerprint, seen: ClientFingerprint): FingerprintDistance {
  const differences: ComponentDifference[] = [];
  for (const component of Object.keys(WEIGHTS) as Component[]) {
    for (const read of READERS[component]) {
      const a = read(bound);
      const b = read(seen);
      if (a === null || b === null || a === b) continue;
      differences.push({ component, weight: WEIGHTS[component], bound: a, seen: b });
      break;
    }
  }
  const score = differences.reduce((sum, d) => sum + d.weight, 0);
  return { score, mismatch: score >= MISMATCH_SCORE, differences };
}
