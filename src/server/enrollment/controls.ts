/**
 * What an admin's enrollment settings (issue #10) do to one POST /v1/enroll: the rate
 * limits (per address before anything is checked, so floods and token guessing cost
 * nothing; in total only for requests with a valid token and proof of key, so someone
 * without the token cannot use up everyone's share), the device quota (counted in the
 * store under a lock, so replicas agree exactly), and the approval a new device starts with.
 */
import { sql } from 'kysely';
import { ENROLLMENT_REFUSALS } from '../../shared/protocol/enrollment';
import type { DialectName } from '../db/database';
import { countQuotaDevices, type DeviceApproval } from '../db/devices';
import type { Db } from '../db/schema';
import { HttpError } from '../http/http-error';
import { ENROLLMENT_DEFAULTS, type EnrollmentConfig } from './config';
import { addressKey, createRateLimiter, type TakeResult } from './rate-limit';

/** Thrown when a limit refuses: the route adds `Retry-After` from it. */
export class EnrollmentRateLimited extends HttpError {
  constructor(
    readonly retryAfterSeconds: number,
    scope: 'address' | 'total',
  ) {
    super(
      ENROLLMENT_REFUSALS.rateLimited.status,
      ENROLLMENT_REFUSALS.rateLimited.code,
      scope === 'address'
        ? `too many enrollments from this address; retry in ${retryAfterSeconds} s`
        : `too many enrollments right now; retry in ${retryAfterSeconds} s`,
    );
  }
}

export interface EnrollmentControls {
  readonly config: EnrollmentConfig;
  /** Throws EnrollmentRateLimited when the address (IPv6: its /64) is over its rate. */
  admitAddress(ip: string | undefined, now: number): void;
  /** Throws EnrollmentRateLimited when this replica is over the total rate. */
  admitTotal(now: number): void;
  /** Inside the enrollment's transaction, for a key not enrolled yet: the quota, then its approval. */
  admitNewDevice(trx: Db, dialect: DialectName): Promise<DeviceApproval>;
}

// Any constant: serializes new-device enrollments across PostgreSQL replicas for the count.
const QUOTA_LOCK = 0x53470001;

export function createEnrollmentControls(config: EnrollmentConfig = ENROLLMENT_DEFAULTS): EnrollmentControls {
  const perAddress = createRateLimiter(config.perAddressPerMinute);
  const total = createRateLimiter(config.totalPerMinute);
  const refuse = (result: TakeResult, scope: 'address' | 'total') => {
    if (!result.ok) throw new EnrollmentRateLimited(result.retryAfterSeconds, scope);
  };
  return {
    config,
    admitAddress: (ip, now) => refuse(perAddress.take(addressKey(ip), now), 'address'),
    admitTotal: (now) => refuse(total.take('total', now), 'total'),
    async admitNewDevice(trx, dialect) {
      if (config.maxDevices !== null) {
        // SQLite has one writer and Kysely one connection; PostgreSQL needs the lock.
        if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(${QUOTA_LOCK})`.execute(trx);
        if ((await countQuotaDevices(trx)) >= config.maxDevices) {
          throw new HttpError(
            ENROLLMENT_REFUSALS.quotaReached.status,
            ENROLLMENT_REFUSALS.quotaReached.code,
            `the organisation's device quota (${config.maxDevices}) is full; an admin can revoke or reject devices, or raise --max-devices`,
          );
        }
      }
      return config.approval ? 'pending' : 'approved';
    },
  };
}
