import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { acceptDeviceSettings, currentDeviceSettings, DEVICE_SETTINGS_KEY } from '@/src/extension/device-settings';
import { sign } from '@/src/shared/crypto/signing';
import type { SignedDeviceSettings, SignedVerdict } from '@/src/shared/protocol';

const newKey = async () =>
  (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify'])) as CryptoKeyPair;

async function signed(key: CryptoKeyPair, version: number, deviceSignout: boolean): Promise<SignedDeviceSettings> {
  const payload = JSON.stringify({ v: 1, kind: 'device_settings', version, issuedAt: 1, settings: { deviceSignout } });
  return { payload, signature: await sign(key.privateKey, payload) };
}

describe('device settings on the device', () => {
  let backend: CryptoKeyPair;
  beforeEach(async () => {
    fakeBrowser.reset();
    backend = await newKey();
  });

  it('applies settings signed by a pinned key and keeps them across a restart (storage.local)', async () => {
    expect(await currentDeviceSettings([backend.publicKey])).toEqual({
      deviceSignout: true,
      sessionVault: 'off',
      version: null,
    });

    expect(await acceptDeviceSettings([backend.publicKey], await signed(backend, 3, false))).toBe('applied');

    expect(await currentDeviceSettings([backend.publicKey])).toEqual({
      deviceSignout: false,
      sessionVault: 'off',
      version: 3,
    });
    expect(await fakeBrowser.storage.local.get(DEVICE_SETTINGS_KEY)).toHaveProperty(DEVICE_SETTINGS_KEY);
  });

  it('refuses settings signed by another key: the insider with the enrollment token cannot turn sign-out off', async () => {
    const insider = await newKey();

    expect(await acceptDeviceSettings([backend.publicKey], await signed(insider, 99, false))).toBe('rejected');

    expect(await currentDeviceSettings([backend.publicKey])).toEqual({
      deviceSignout: true,
      sessionVault: 'off',
      version: null,
    });
  });

  it('never lets an older message replace a newer one (a replayed "off" stays ignored)', async () => {
    const oldOff = await signed(backend, 2, false);
    await acceptDeviceSettings([backend.publicKey], await signed(backend, 5, true));

    expect(await acceptDeviceSettings([backend.publicKey], oldOff)).toBe('stale');

    expect(await currentDeviceSettings([backend.publicKey])).toEqual({
      deviceSignout: true,
      sessionVault: 'off',
      version: 5,
    });
  });

  it('does not take a signed verdict for settings, nor trust what storage holds without verifying it', async () => {
    const verdictText = JSON.stringify({ v: 1, id: crypto.randomUUID(), action: 'terminate' });
    const verdict: SignedVerdict = { payload: verdictText, signature: await sign(backend.privateKey, verdictText) };
    const forged = await signed(await newKey(), 7, false);
    await fakeBrowser.storage.local.set({ [DEVICE_SETTINGS_KEY]: forged });

    expect(await acceptDeviceSettings([backend.publicKey], verdict)).toBe('rejected');

    expect(await currentDeviceSettings([backend.publicKey])).toEqual({
      deviceSignout: true,
      sessionVault: 'off',
      version: null,
    });
  });
});
