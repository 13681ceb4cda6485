import { describe, expect, it } from 'vitest';
import {
  exportPublicJwk,
  exportSpkiPublicKey,
  generateDeviceKeyPair,
  importPublicJwk,
  importSpkiPublicKey,
  jwkThumbprint,
  keyedHash,
  sign,
  verify,
} from '@/src/shared/crypto/signing';
import { toBase64Url } from '@/src/shared/crypto/encoding';

describe('signature scheme', () => {
  it('verifies what the private key signed, through the exported public key', async () => {
    const pair = await generateDeviceKeyPair();
    const body = JSON.stringify({ hello: 'world' });

    const signature = await sign(pair.privateKey, body);
    const publicKey = await importPublicJwk(await exportPublicJwk(pair.publicKey));

    expect(await verify(publicKey, signature, body)).toBe(true);
  });

  it('refuses a changed body, another key, and malformed signatures without throwing', async () => {
    const pair = await generateDeviceKeyPair();
    const other = await generateDeviceKeyPair();
    const signature = await sign(pair.privateKey, 'amount=1');

    expect(await verify(pair.publicKey, signature, 'amount=2')).toBe(false);
    expect(await verify(other.publicKey, signature, 'amount=1')).toBe(false);
    expect(await verify(pair.publicKey, 'not base64 !!', 'amount=1')).toBe(false);
    expect(await verify(pair.publicKey, toBase64Url(new Uint8Array(64)), 'amount=1')).toBe(false);
    expect(await verify(pair.publicKey, signature.slice(0, 40), 'amount=1')).toBe(false);
  });

  it('keeps the device private key non-extractable', async () => {
    const pair = await generateDeviceKeyPair();

    expect(pair.privateKey.extractable).toBe(false);
    await expect(crypto.subtle.exportKey('jwk', pair.privateKey)).rejects.toThrow();
  });

  it('round-trips the verdict public key as base64 SPKI, the form managed policy pins', async () => {
    const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    const spki = await exportSpkiPublicKey(pair.publicKey);

    const pinned = await importSpkiPublicKey(spki);

    expect(spki).toMatch(/^MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE/);
    expect(await verify(pinned, await sign(pair.privateKey, 'verdict'), 'verdict')).toBe(true);
  });

  it('derives a stable thumbprint per key and a different one per key', async () => {
    const a = await exportPublicJwk((await generateDeviceKeyPair()).publicKey);
    const b = await exportPublicJwk((await generateDeviceKeyPair()).publicKey);

    expect(await jwkThumbprint(a)).toBe(await jwkThumbprint({ ...a }));
    expect(await jwkThumbprint(a)).not.toBe(await jwkThumbprint(b));
  });

  it('names a session by a keyed hash that never contains the cookie', async () => {
    const secret = toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
    const cookie = 'xoxd-abcdefghijklmnopqrstuvwxyz0123456789';

    const key = await keyedHash(secret, cookie);

    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(key).toBe(await keyedHash(secret, cookie));
    expect(key).not.toBe(await keyedHash(toBase64Url(new Uint8Array(32)), cookie));
  });
});
