/**
 * Sealing for the Shared Signals secrets (issue #12): the SET signing key and each
 * receiver's bearer token, AES-256-GCM under the backend's secret key, as the verdict keys
 * are (src/server/verdicts/key-seal.ts). A label naming what and whose is bound in as
 * additional data, so a sealed value cannot be moved to another row or another purpose.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SecretKey } from '../slack/secret-key';

export class SsfSealError extends Error {}

const aad = (label: string) => Buffer.from(`session-guard:ssf:v1:${label}`);

export function seal(key: SecretKey, label: string, text: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key.bytes, iv);
  cipher.setAAD(aad(label));
  const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  return `v1.${[iv, cipher.getAuthTag(), body].map((b) => b.toString('base64url')).join('.')}`;
}

export function unseal(key: SecretKey, label: string, sealed: string, sealedWith: string): string {
  if (sealedWith !== key.id) {
    throw new SsfSealError(
      `${label} was sealed with secret key ${sealedWith}, this backend has ${key.id}: give every replica the same SESSION_GUARD_SECRET_KEY`,
    );
  }
  const [version, iv, tag, body] = sealed.split('.');
  if (version !== 'v1' || !iv || !tag || body === undefined)
    throw new SsfSealError(`${label} is not in a known format`);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.bytes, Buffer.from(iv, 'base64url'));
    decipher.setAAD(aad(label));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new SsfSealError(`${label} failed its integrity check`);
  }
}
