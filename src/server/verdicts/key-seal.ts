/**
 * Sealing a verdict signing key at rest (issue #10), as the Slack token is sealed
 * (src/server/slack/token-vault.ts): AES-256-GCM, random 96-bit IV, under the backend's
 * secret key (src/server/slack/secret-key.ts). The key id is bound in as additional data,
 * so a sealed private key cannot be moved under another key's row. Whoever reads the
 * database alone holds public keys and ciphertext: they cannot sign a verdict.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SecretKey } from '../slack/secret-key';

export class VerdictKeyError extends Error {}

const aad = (kid: string) => Buffer.from(`session-guard:verdict-key:v1:${kid}`);

export function sealPrivateJwk(key: SecretKey, kid: string, jwk: JsonWebKey): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key.bytes, iv);
  cipher.setAAD(aad(kid));
  const body = Buffer.concat([cipher.update(JSON.stringify(jwk), 'utf8'), cipher.final()]);
  return `v1.${[iv, cipher.getAuthTag(), body].map((b) => b.toString('base64url')).join('.')}`;
}

export interface SealedKeyRow {
  kid: string;
  sealed_private: string;
  secret_key_id: string;
}

export function unsealPrivateJwk(key: SecretKey, row: SealedKeyRow): JsonWebKey {
  if (row.secret_key_id !== key.id) {
    throw new VerdictKeyError(
      `the verdict signing key ${row.kid} was sealed with secret key ${row.secret_key_id}, this backend has ${key.id}: ` +
        'give every replica and every session-guard command the same SESSION_GUARD_SECRET_KEY (or --secret-key-file) ' +
        'as the backend that sealed it; the key file it made is <data-dir>/slack-secret.key',
    );
  }
  const [version, iv, tag, body] = row.sealed_private.split('.');
  if (version !== 'v1' || !iv || !tag || body === undefined)
    throw new VerdictKeyError(`the stored verdict signing key ${row.kid} is not in a known format`);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.bytes, Buffer.from(iv, 'base64url'));
    decipher.setAAD(aad(row.kid));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    const text = Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    return JSON.parse(text) as JsonWebKey;
  } catch {
    throw new VerdictKeyError(`the stored verdict signing key ${row.kid} failed its integrity check`);
  }
}
