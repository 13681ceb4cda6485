/**
 * Device settings from the org policy (issue #12): the keys devices act on, signed with
 * the verdict key so a device accepts them only from its backend, versioned by the
 * policy version so an older message never replaces a newer one. One source per backend
 * caches the signed message for a few seconds: every poll and every open stream shares
 * it, and a stream looks again every few seconds, so a policy change (made on any
 * replica) reaches connected devices within 10 s without a cross-replica broadcast.
 */
import { sign } from '../../shared/crypto/signing';
import type { OrgPolicy } from '../../shared/policy/org-policy';
import {
  DeviceSettingsPayload,
  type DeviceSettings,
  type SignedDeviceSettings,
} from '../../shared/protocol/device-settings';
import type { AppContext } from '../app-context';
import { currentPolicy } from '../policy/policy-store';

/** How long a signed settings message is reused before the policy is read again. */
export const SETTINGS_CACHE_MS = 3_000;
/** How often an open stream checks for newer settings (cache + this stay under 10 s). */
export const SETTINGS_STREAM_CHECK_MS = 5_000;

export function deviceSettingsFrom(policy: OrgPolicy): DeviceSettings {
  return { deviceSignout: policy.deviceSignout, sessionVault: policy.sessionVault };
}

export interface VersionedSettings extends SignedDeviceSettings {
  version: number;
}

export interface DeviceSettingsSource {
  current(): Promise<VersionedSettings>;
}

export function deviceSettingsSource(
  ctx: Pick<AppContext, 'db' | 'now' | 'verdictKeys'>,
  cacheMs = SETTINGS_CACHE_MS,
): DeviceSettingsSource {
  let cached: { at: number; kid: string; value: VersionedSettings } | null = null;
  let inFlight: Promise<VersionedSettings> | null = null;
  const build = async (): Promise<VersionedSettings> => {
    const now = ctx.now();
    const active = await currentPolicy(ctx.db, now);
    const key = await ctx.verdictKeys.signing();
    if (cached && cached.kid === key.kid && cached.value.version === active.version) {
      cached = { ...cached, at: performance.now() };
      return cached.value;
    }
    const payload = JSON.stringify(
      DeviceSettingsPayload.parse({
        v: 1,
        kind: 'device_settings',
        version: active.version,
        issuedAt: now,
        kid: key.kid,
        settings: deviceSettingsFrom(active.policy),
      }),
    );
    const value = { version: active.version, payload, signature: await sign(key.privateKey, payload) };
    cached = { at: performance.now(), kid: key.kid, value };
    return value;
  };
  return {
    current() {
      if (cached && performance.now() - cached.at < cacheMs) return Promise.resolve(cached.value);
      inFlight ??= build().finally(() => (inFlight = null));
      return inFlight;
    },
  };
}

const sources = new WeakMap<object, DeviceSettingsSource>();

/** The one source for this app context (the context is built once; this avoids widening it). */
export function settingsSourceFor(ctx: Pick<AppContext, 'db' | 'now' | 'verdictKeys'>): DeviceSettingsSource {
  let source = sources.get(ctx);
  if (!source) sources.set(ctx, (source = deviceSettingsSource(ctx)));
  return source;
}
