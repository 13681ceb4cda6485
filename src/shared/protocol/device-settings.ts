/**
 * Device settings (issue #12): the part of the org policy devices act on, derived by the
 * backend, signed with the verdict key and sent on the verdict stream and in the poll
 * answer. The extension verifies the exact `payload` text with the keys managed policy
 * pins, as it does verdicts; `kind` keeps a settings payload from ever parsing as a
 * verdict and the reverse. `version` is the org policy's version: a device keeps the
 * newest it has verified, so replaying an older message changes nothing.
 */
import { z } from 'zod';

export const DeviceSettings = z
  .object({
    /** End the session at Slack too, with the session's own credentials (docs/slack-session.md). */
    deviceSignout: z.boolean(),
    /** Issue #13: where Slack's `d` cookie rests (docs/session-vault.md); absent in older payloads. */
    sessionVault: z.enum(['off', 'memory', 'sealed']).default('off'),
  })
  .strict();
export type DeviceSettings = z.infer<typeof DeviceSettings>;
export type SessionVaultMode = DeviceSettings['sessionVault'];

/** What a device does before it has verified any settings: the org policy's defaults. */
export const DEFAULT_DEVICE_SETTINGS: DeviceSettings = { deviceSignout: true, sessionVault: 'off' };

export const DeviceSettingsPayload = z
  .object({
    v: z.literal(1),
    kind: z.literal('device_settings'),
    version: z.number().int().positive(),
    issuedAt: z.number().int(),
    kid: z.string().max(64).optional(),
    settings: DeviceSettings,
  })
  .strict();
export type DeviceSettingsPayload = z.infer<typeof DeviceSettingsPayload>;

export const SignedDeviceSettings = z.object({
  payload: z.string().max(4096),
  signature: z.string().max(128),
});
export type SignedDeviceSettings = z.infer<typeof SignedDeviceSettings>;
