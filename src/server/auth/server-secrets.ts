/**
 * The backend's own secrets, made on first start and kept in the database so replicas
 * sharing it agree: the verdict signing key (ECDSA P-256, stored as a private JWK), the
 * enrollment token, and the org-wide `sessionKeySecret` devices use to name sessions.
 */
import { ECDSA_P256, exportSpkiPublicKey } from '../../shared/crypto/signing';
import { putIfAbsent } from '../db/kv.repository';
import type { Db } from '../db/schema';
import { randomToken } from './tokens';

export interface VerdictKeys {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** base64 SPKI DER, the managed policy's `verdictPublicKey`. */
  publicSpki: string;
}

export interface ServerSecrets {
  verdictKeys: VerdictKeys;
  enrollmentToken: string;
  sessionKeySecret: string;
}

const KEYS = {
  verdictKey: 'verdict_signing_key',
  enrollmentToken: 'enrollment_token',
  sessionKeySecret: 'session_key_secret',
} as const;

export async function ensureServerSecrets(db: Db, now: number): Promise<ServerSecrets> {
  const jwkText = await putIfAbsent(db, KEYS.verdictKey, JSON.stringify(await newVerdictJwk()), now);
  const enrollmentToken = await putIfAbsent(db, KEYS.enrollmentToken, randomToken(32), now);
  const sessionKeySecret = await putIfAbsent(db, KEYS.sessionKeySecret, randomToken(32), now);
  return { verdictKeys: await importVerdictKeys(JSON.parse(jwkText) as JsonWebKey), enrollmentToken, sessionKeySecret };
}

async function newVerdictJwk(): Promise<JsonWebKey> {
  const pair = (await crypto.subtle.generateKey(ECDSA_P256, true, ['sign', 'verify'])) as CryptoKeyPair;
  return crypto.subtle.exportKey('jwk', pair.privateKey);
}

export async function importVerdictKeys(jwk: JsonWebKey): Promise<VerdictKeys> {
  const privateKey = await crypto.subtle.importKey('jwk', jwk, ECDSA_P256, false, ['sign']);
  const publicJwk: JsonWebKey = { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, ext: true };
  const publicKey = await crypto.subtle.importKey('jwk', publicJwk, ECDSA_P256, true, ['verify']);
  return { privateKey, publicKey, publicSpki: await exportSpkiPublicKey(publicKey) };
}
