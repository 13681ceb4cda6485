/**
 * Verdict keys with ids, for rotation without a flag day (docs/adr/0003-verdict-key-rotation.md):
 * a key's id is the RFC 7638 thumbprint of its public half, so the backend and the
 * extension derive the same id from the key itself and nothing has to be stored beside
 * it. The extension accepts a verdict signed by any key its managed policy lists.
 */
import { exportPublicJwk, importSpkiPublicKey, jwkThumbprint, verify } from './signing';

export function verdictKeyId(publicKey: CryptoKey): Promise<string> {
  return exportPublicJwk(publicKey).then(jwkThumbprint);
}

/** `verdictPublicKey` first, then the rest of `verdictPublicKeys`, each once. */
export function policyVerdictKeys(policy: {
  verdictPublicKey: string;
  verdictPublicKeys?: readonly string[];
}): string[] {
  const all = [policy.verdictPublicKey, ...(policy.verdictPublicKeys ?? [])].map((k) => k.replace(/\s+/g, ''));
  return [...new Set(all)];
}

/** Imports every key; throws naming the first one that is not a P-256 public key. */
export async function importVerdictKeyRing(spkis: readonly string[]): Promise<CryptoKey[]> {
  const keys: CryptoKey[] = [];
  for (const [i, spki] of spkis.entries()) {
    try {
      keys.push(await importSpkiPublicKey(spki));
    } catch {
      throw new Error(
        i === 0
          ? 'verdictPublicKey is not a P-256 public key'
          : `verdictPublicKeys has a key that is not a P-256 public key`,
      );
    }
  }
  return keys;
}

/** True when any of the keys verifies the signature; false, never a throw, otherwise. */
export async function verifyWithAny(
  keys: CryptoKey | readonly CryptoKey[],
  signature: string,
  data: string,
): Promise<boolean> {
  for (const key of Array.isArray(keys) ? keys : [keys as CryptoKey]) {
    if (await verify(key, signature, data)) return true;
  }
  return false;
}
