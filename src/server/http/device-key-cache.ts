/**
 * Imported device public keys, kept by the exact stored JWK text (issue #16): importing a
 * P-256 JWK took about 5 % of the backend's time under ingest, once per signed request.
 * The cache key is the key material itself, so a rotated or re-enrolled key is a
 * different entry and a revoked device is still refused by the row checks after
 * verification; nothing here decides who is trusted. Bounded; the oldest entry goes first.
 */
import { importPublicJwk, type PublicJwk } from '../../shared/crypto/signing';

export const DEVICE_KEY_CACHE_SIZE = 20_000;
const keys = new Map<string, Promise<CryptoKey>>();

/** The CryptoKey for a device row's `public_key` (JSON text of its JWK). */
export function devicePublicKey(publicKeyJson: string): Promise<CryptoKey> {
  const hit = keys.get(publicKeyJson);
  if (hit) return hit;
  const imported = importPublicJwk(JSON.parse(publicKeyJson) as PublicJwk);
  // A key that fails to import is not kept: the next request gets the same error anew.
  imported.catch(() => keys.delete(publicKeyJson));
  if (keys.size >= DEVICE_KEY_CACHE_SIZE) keys.delete(keys.keys().next().value!);
  keys.set(publicKeyJson, imported);
  return imported;
}
