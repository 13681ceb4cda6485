/**
 * The backend's synchronous ECDSA (src/server/auth/sync-signing.ts) is the same scheme as
 * the shared WebCrypto one: each verifies the other's signatures, both refuse a changed
 * text, a foreign key and a malformed signature, and it signs with the non-extractable
 * keys the verdict key ring imports.
 */
import { describe, expect, it } from 'vitest';
import { signNow, verifyNow } from '../../src/server/auth/sync-signing';
import { ECDSA_P256, generateDeviceKeyPair, sign, verify } from '../../src/shared/crypto/signing';

describe('synchronous ECDSA on the backend', () => {
  it('verifies WebCrypto signatures and makes signatures WebCrypto verifies', async () => {
    const device = await generateDeviceKeyPair();
    const text = JSON.stringify({ signals: ['ü', 1] });

    expect(verifyNow(device.publicKey, await sign(device.privateKey, text), text)).toBe(true);
    expect(await verify(device.publicKey, signNow(device.privateKey, text), text)).toBe(true);
    const bytes = new TextEncoder().encode(text);
    expect(verifyNow(device.publicKey, await sign(device.privateKey, bytes), bytes)).toBe(true);
  });

  it('refuses a changed text, another key and malformed signatures, without throwing', async () => {
    const device = await generateDeviceKeyPair();
    const other = await generateDeviceKeyPair();
    const signature = signNow(device.privateKey, 'batch');

    expect(verifyNow(device.publicKey, signature, 'batcH')).toBe(false);
    expect(verifyNow(other.publicKey, signature, 'batch')).toBe(false);
    expect(verifyNow(device.publicKey, signature.slice(0, 40), 'batch')).toBe(false);
    expect(verifyNow(device.publicKey, '!!not base64!!', 'batch')).toBe(false);
    expect(verifyNow(device.publicKey, 'A'.repeat(86), 'batch')).toBe(false);
  });

  it('signs with a non-extractable private key, as the verdict key ring imports it', async () => {
    const pair = (await crypto.subtle.generateKey(ECDSA_P256, true, ['sign', 'verify'])) as CryptoKeyPair;
    const jwk = await crypto.subtle.exportKey('jwk', pair.privateKey);
    const sealed = await crypto.subtle.importKey('jwk', jwk, ECDSA_P256, false, ['sign']);

    expect(await verify(pair.publicKey, signNow(sealed, 'verdict'), 'verdict')).toBe(true);
  });
});
