/**
 * The enrollment token and its rotation (issue #10). The current token lives in the kv
 * store under `enrollment_token` (where server-secrets.ts first made it), so every replica
 * and `policy export` read the same one. `rotateEnrollmentToken` replaces it and keeps
 * the old one working for a grace period, recorded only as a SHA-256 hash with its
 * expiry (the database never holds an old token itself); past the grace it is refused
 * with `enrollment_token_expired`, which tells an admin to deploy the new policy. Every
 * comparison is constant-time.
 */
import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { ENROLLMENT_REFUSALS } from '../../shared/protocol/enrollment';
import { getValue, putIfAbsent, setValue } from '../db/kv.repository';
import type { Db } from '../db/schema';
import { HttpError } from '../http/http-error';
import { constantTimeEqual, randomToken, sha256Hex } from './tokens';

export const DEFAULT_GRACE_HOURS = 24;
/** Retired tokens remembered (to name them expired rather than wrong); older ones are just wrong. */
const MAX_RETIRED = 20;

const CURRENT_KEY = 'enrollment_token';
const ROTATION_KEY = 'enrollment_token_rotation';

const Rotation = z.object({
  rotatedAt: z.number(),
  retired: z.array(z.object({ sha256: z.string(), retiredAt: z.number(), expiresAt: z.number() })),
});
type Rotation = z.infer<typeof Rotation>;

export interface EnrollmentTokenStatus {
  /** When the current token was issued by a rotation; null if it is the first one. */
  rotatedAt: number | null;
  /** Replaced tokens still accepted, with when each stops working. */
  inGrace: { retiredAt: number; expiresAt: number }[];
}

async function readRotation(db: Db): Promise<Rotation> {
  const text = await getValue(db, ROTATION_KEY);
  const parsed = text ? Rotation.safeParse(JSON.parse(text)) : undefined;
  return parsed?.success ? parsed.data : { rotatedAt: 0, retired: [] };
}

export async function currentEnrollmentToken(db: Db, now: number): Promise<string> {
  return putIfAbsent(db, CURRENT_KEY, randomToken(32), now);
}

export async function enrollmentTokenStatus(db: Db, now: number): Promise<EnrollmentTokenStatus> {
  const rotation = await readRotation(db);
  return {
    rotatedAt: rotation.rotatedAt || null,
    inGrace: rotation.retired
      .filter((r) => r.expiresAt > now)
      .map(({ retiredAt, expiresAt }) => ({ retiredAt, expiresAt })),
  };
}

/** Issues a new token; the one it replaces keeps working for `graceHours` (0: refused at once). */
export async function rotateEnrollmentToken(
  db: Db,
  now: number,
  graceHours = DEFAULT_GRACE_HOURS,
): Promise<{ token: string; previousExpiresAt: number }> {
  if (!Number.isFinite(graceHours) || graceHours < 0 || graceHours > 24 * 365)
    throw new RangeError('the grace period must be from 0 to 8760 hours');
  const token = randomToken(32);
  const previousExpiresAt = now + Math.round(graceHours * 3600_000);
  await db.transaction().execute(async (trx) => {
    const previous = await currentEnrollmentToken(trx, now);
    const rotation = await readRotation(trx);
    const retired = [
      { sha256: sha256Hex(previous), retiredAt: now, expiresAt: previousExpiresAt },
      ...rotation.retired,
    ];
    await setValue(trx, ROTATION_KEY, JSON.stringify({ rotatedAt: now, retired: retired.slice(0, MAX_RETIRED) }), now);
    await setValue(trx, CURRENT_KEY, token, now);
  });
  return { token, previousExpiresAt };
}

/**
 * Accepts the current token, or a replaced one inside its grace period; otherwise throws
 * 401 `bad_enrollment_token`, or `enrollment_token_expired` for a replaced one past it.
 */
export async function checkEnrollmentToken(db: Db, presented: string, now: number): Promise<'current' | 'previous'> {
  const current = await currentEnrollmentToken(db, now);
  if (constantTimeEqual(presented, current)) return 'current';
  const hash = Buffer.from(sha256Hex(presented), 'hex');
  let match: Rotation['retired'][number] | undefined;
  for (const retired of (await readRotation(db)).retired) {
    const stored = Buffer.from(retired.sha256, 'hex');
    if (stored.length === hash.length && timingSafeEqual(stored, hash)) match ??= retired;
  }
  if (match && now < match.expiresAt) return 'previous';
  if (match) {
    throw new HttpError(
      ENROLLMENT_REFUSALS.tokenExpired.status,
      ENROLLMENT_REFUSALS.tokenExpired.code,
      'this enrollment token was replaced and its grace period has ended; deploy the current managed policy (session-guard policy export)',
    );
  }
  throw new HttpError(401, 'bad_enrollment_token', 'the enrollment token is not this backend’s');
}
