/**
 * The signature scheme of Session Guard: ECDSA P-256 with SHA-256, signatures in the
 * IEEE P1363 form (r‖s, 64 bytes) that WebCrypto produces, carried as base64url.
 *
 * Devices sign the exact bytes of each request body with a non-extractable key; the
 * backend signs verdicts with its own key, whose SPKI (base64) is pinned in the managed
 * policy as `verdictPublicKey`. Both sides use crypto.subtle only, so this file runs in
 * the service worker and in Node 20 unchanged.
 */
import { fromBase64Url, toBase64Url, utf8 } from './encoding';

export const ECDSA_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGN = { name: 'ECDSA', hash: 'SHA-256' } as const;

export interface PublicJwk {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
}

/** A device key pair whose private half can never be exported (issue #2). */
export function generateDeviceKeyPair(): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey(ECDSA_P256, false, ['sign', 'verify']) as Promise<CryptoKeyPair>;
}

export async function sign(privateKey: CryptoKey, data: string | Uint8Array<ArrayBuffer>): Promise<string> {
  const bytes = typeof data === 'string' ? utf8(data) : data;
  return toBase64Url(await crypto.subtle.sign(SIGN, privateKey, bytes));
}

/** False, never a throw, for any malformed key, signature or data. */
export async function verify(
  publicKey: CryptoKey,
  signature: string,
  data: string | Uint8Array<ArrayBuffer>,
): Promise<boolean> {
  try {
    const sig = fromBase64Url(signature);
    if (sig.length !== 64) return false;
    const bytes = typeof data === 'string' ? utf8(data) : data;
    return await crypto.subtle.verify(SIGN, publicKey, sig, bytes);
  } catch {
    return false;
  }
}

export async function exportPublicJwk(publicKey: CryptoKey): Promise<PublicJwk> {
  const jwk = await crypto.subtle.exportKey('jwk', publicKey);
  return { kty: 'EC', crv: 'P-256', x: jwk.x!, y: jwk.y! };
}

export function importPublicJwk(jwk: PublicJwk): Promise<CryptoKey> {
  return crypto.subtle.importKey('jwk', { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, ext: true }, ECDSA_P256, true, [
    'verify',
  ]);
}

/** `verdictPublicKey` in managed policy: base64 (or base64url) SubjectPublicKeyInfo DER. */
export function importSpkiPublicKey(spkiBase64: string): Promise<CryptoKey> {
  return crypto.subtle.importKey('spki', fromBase64Url(spkiBase64.replace(/\s+/g, '')), ECDSA_P256, true, ['verify']);
}

export async function exportSpkiPublicKey(publicKey: CryptoKey): Promise<string> {
  const der = new Uint8Array(await crypto.subtle.exportKey('spki', publicKey));
  let binary = '';
  for (const b of der) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** RFC 7638 thumbprint; the device id is derived from it, so a device cannot pick its id. */
export async function jwkThumbprint(jwk: PublicJwk): Promise<string> {
  const canonical = `{"crv":"P-256","kty":"EC","x":"${jwk.x}","y":"${jwk.y}"}`;
  return toBase64Url(await crypto.subtle.digest('SHA-256', utf8(canonical)));
}

/** Keyed hash of a secret value (the Slack `d` cookie): HMAC-SHA256, hex. */
export async function keyedHash(secret: string, value: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', fromBase64Url(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, utf8(value)));
  return Array.from(mac, (b) => b.toString(16).padStart(2, '0')).join('');
}
