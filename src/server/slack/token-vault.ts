/**
 * Sealing the Slack token at rest: AES-256-GCM with a random 96-bit IV under the backend's
 * secret key (secret-key.ts), the purpose bound in as additional data so a sealed value
 * cannot be replayed elsewhere. The token exists in clear only in memory, for a call.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SecretKey } from './secret-key';

const AAD = Buffer.from('session-guard:slack-token:v1');

export class VaultError extends Error {
  constructor(
    readonly code: 'key_mismatch' | 'corrupt',
    message: string,
  ) {
    super(message);
  }
}

export interface Sealed {
  sealed: string;
  keyId: string;
}

export function seal(key: SecretKey, token: string): Sealed {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key.bytes, iv);
  cipher.setAAD(AAD);
  const body = Buffer.concat([cipher.update(token, 'utf8'), cipher.final()]);
  const parts = [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64url'));
  return { sealed: `v1.${parts.join('.')}`, keyId: key.id };
}

export function unseal(key: SecretKey, stored: Sealed): string {
  if (stored.keyId !== key.id) {
    throw new VaultError(
      'key_mismatch',
      `the Slack token was sealed with secret key ${stored.keyId}, this backend has ${key.id}: give every replica the same SESSION_GUARD_SECRET_KEY (or key file), or connect again`,
    );
  }
  const [version, iv, tag, body] = stored.sealed.split('.');
  if (version !== 'v1' || !iv || !tag || body === undefined)
    throw new VaultError('corrupt', 'the stored Slack token is not in a known format');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.bytes, Buffer.from(iv, 'base64url'));
    decipher.setAAD(AAD);
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new VaultError('corrupt', 'the stored Slack token failed its integrity check');
  }
}
