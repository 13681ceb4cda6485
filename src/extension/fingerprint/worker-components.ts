/**
 * The fingerprint components a service worker can read: user-agent client hints with
 * their high-entropy values, CPU count, memory class, languages and time zone. Browsers
 * without client hints (Firefox) leave those fields null rather than guess.
 */
import type { ClientFingerprint } from '@/src/shared/protocol';

export type WorkerComponents = Omit<ClientFingerprint, 'screen' | 'webgl'>;

interface UaBrand {
  brand: string;
  version: string;
}
interface HighEntropy {
  platform?: string;
  platformVersion?: string;
  architecture?: string;
  bitness?: string;
  model?: string;
  mobile?: boolean;
  fullVersionList?: UaBrand[];
}
export interface NavigatorLike {
  userAgent: string;
  platform?: string;
  hardwareConcurrency?: number;
  deviceMemory?: number;
  languages?: readonly string[];
  language?: string;
  userAgentData?: { getHighEntropyValues(hints: string[]): Promise<HighEntropy> };
}

const HINTS = ['platform', 'platformVersion', 'architecture', 'bitness', 'model', 'fullVersionList'];

/** "Chromium 156.0.8078.79": the first brand that is not GREASE (`Not=A?Brand`). */
export function browserVersion(brands: UaBrand[] | undefined): string | null {
  const real = brands?.filter((b) => !/not.a.brand/i.test(b.brand.replace(/[^a-z.]/gi, '.')));
  const pick = real?.find((b) => b.brand === 'Chromium') ?? real?.[0];
  return pick ? `${pick.brand} ${pick.version}`.slice(0, 64) : null;
}

const text = (value: string | undefined, max: number) => (value ? value.slice(0, max) : null);

export async function readWorkerComponents(nav: NavigatorLike, timezone: string): Promise<WorkerComponents> {
  let hints: HighEntropy = {};
  try {
    hints = (await nav.userAgentData?.getHighEntropyValues(HINTS)) ?? {};
  } catch {
    // A browser may refuse high-entropy hints; the low-entropy fields still count.
  }
  const languages = (nav.languages?.length ? nav.languages : nav.language ? [nav.language] : []).slice(0, 20);
  return {
    userAgent: nav.userAgent.slice(0, 512),
    browserVersion: browserVersion(hints.fullVersionList),
    platform: (hints.platform || nav.platform || 'unknown').slice(0, 64),
    platformVersion: text(hints.platformVersion, 64),
    architecture: text(hints.architecture, 32),
    bitness: text(hints.bitness, 8),
    model: hints.model === undefined ? null : hints.model.slice(0, 64),
    mobile: typeof hints.mobile === 'boolean' ? hints.mobile : null,
    hardwareConcurrency: Number.isInteger(nav.hardwareConcurrency) ? nav.hardwareConcurrency! : null,
    deviceMemory: typeof nav.deviceMemory === 'number' ? nav.deviceMemory : null,
    languages: languages.map((l) => l.slice(0, 35)),
    timezone: (timezone || 'UTC').slice(0, 64),
  };
}
