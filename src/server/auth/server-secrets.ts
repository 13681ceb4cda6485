/**
 * The backend's own secrets, made on first start and kept in the database so replicas
 * sharing it agree: the verdict signing keys (ECDSA P-256, sealed under the secret key:
 * src/server/verdicts/verdict-key-ring.ts), the enrollment token, and the org-wide
 * `sessionKeySecret` devices use to name sessions.
 */
import type { DialectName } from '../db/database';
import { putIfAbsent } from '../db/kv.repository';
import type { Db } from '../db/schema';
import type { SecretKey } from '../slack/secret-key';
import { ensureVerdictKeys, type VerdictKeys } from '../verdicts/verdict-key-ring';
import { randomToken } from './tokens';

export type { VerdictKeys } from '../verdicts/verdict-key-ring';

export interface ServerSecrets {
  verdictKeys: VerdictKeys;
  enrollmentToken: string;
  sessionKeySecret: string;
}

export interface SecretsOptions {
  /** Seals the verdict signing keys (src/server/slack/secret-key.ts). */
  secretKey: SecretKey;
  dialect: DialectName;
}

const KEYS = {
  enrollmentToken: 'enrollment_token',
  sessionKeySecret: 'session_key_secret',
} as const;

export async function ensureServerSecrets(db: Db, now: number, options: SecretsOptions): Promise<ServerSecrets> {
  const verdictKeys = await ensureVerdictKeys(db, options.secretKey, { dialect: options.dialect, now });
  const enrollmentToken = await putIfAbsent(db, KEYS.enrollmentToken, randomToken(32), now);
  const sessionKeySecret = await putIfAbsent(db, KEYS.sessionKeySecret, randomToken(32), now);
  return { verdictKeys, enrollmentToken, sessionKeySecret };
}
