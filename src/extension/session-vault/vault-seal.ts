/**
 * The `sealed` vault's disk copy (issue #13): `d` encrypted with AES-GCM under a key
 * generated non-extractable and kept in the extension's IndexedDB (as the device key is),
 * so the bytes on disk are useless without the browser's key store. What this does and
 * does not protect against is in docs/session-vault.md: malware that runs the browser's
 * own code as the user can ask it to decrypt.
 */
import type { LocalDb } from '../local-db';

async function sealingKey(db: LocalDb): Promise<CryptoKey> {
  const kept = await db.get('vault', 'key');
  if (kept && kept.id === 'key') return kept.key;
  const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
  await db.put('vault', { id: 'key', key });
  return key;
}

export async function seal(db: LocalDb, value: string): Promise<void> {
  const key = await sealingKey(db);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const data = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, new TextEncoder().encode(value));
  await db.put('vault', { id: 'sealed', iv, data });
}

/** The sealed value, or null when there is none or it no longer decrypts (then it is dropped). */
export async function unseal(db: LocalDb): Promise<string | null> {
  const sealed = await db.get('vault', 'sealed');
  const kept = await db.get('vault', 'key');
  if (!sealed || sealed.id !== 'sealed' || !kept || kept.id !== 'key') return null;
  try {
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: sealed.iv }, kept.key, sealed.data);
    return new TextDecoder().decode(plain);
  } catch {
    await db.delete('vault', 'sealed');
    return null;
  }
}

export async function dropSealed(db: LocalDb): Promise<void> {
  await db.delete('vault', 'sealed');
}
