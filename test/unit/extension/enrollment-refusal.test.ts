import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { enroll, loadOrCreateIdentity, RevokedError } from '@/src/extension/device-identity';
import { PendingApprovalError, pendingRetryDelay, RetryLaterError } from '@/src/extension/enrollment-refusal';
import { openLocalDb, resetLocalDbForTests } from '@/src/extension/local-db';
import { describe as describeStatus } from '@/src/extension/popup-view';
import { ProtectionStatus } from '@/src/extension/status';
import { fakePolicy } from './fakes';

let n = 0;

async function enrollAnswered(status: number, body: unknown, headers: Record<string, string> = {}) {
  vi.stubGlobal('fetch', async () => new Response(JSON.stringify(body), { status, headers }));
  vi.stubGlobal('navigator', { userAgent: 'test' });
  resetLocalDbForTests();
  const db = await openLocalDb(`enroll-refusal-${++n}`);
  const identity = await loadOrCreateIdentity(db);
  return { attempt: enroll(db, identity, fakePolicy(), '0.1.0'), db };
}

describe('a refused enrollment (issue #10)', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('reads device_pending as waiting for an administrator, and stores no enrollment', async () => {
    const { attempt, db } = await enrollAnswered(403, { error: 'device_pending', message: 'waits' });

    await expect(attempt).rejects.toBeInstanceOf(PendingApprovalError);
    expect((await db.get('identity', 'device'))?.deviceId).toBeUndefined();
  });

  it('reads device_rejected and device_revoked as stop, telling the two apart', async () => {
    const rejected = await enrollAnswered(403, { error: 'device_rejected', message: 'no' });
    await expect(rejected.attempt).rejects.toMatchObject({ rejected: true });

    const revoked = await enrollAnswered(403, { error: 'device_revoked', message: 'no' });
    await expect(revoked.attempt).rejects.toBeInstanceOf(RevokedError);
    await expect(revoked.attempt).rejects.toMatchObject({ rejected: false });
  });

  it('reads 429 as come back after Retry-After', async () => {
    const { attempt } = await enrollAnswered(429, { error: 'enrollment_rate_limited' }, { 'retry-after': '42' });

    await expect(attempt).rejects.toBeInstanceOf(RetryLaterError);
    await expect(attempt).rejects.toMatchObject({ retryAfterMs: 42_000 });
  });

  it('asks again calmly while pending: every 2 to 4 minutes, or at the policy’s check-in interval', () => {
    expect(pendingRetryDelay(() => 0)).toBe(120_000);
    expect(pendingRetryDelay(() => 1)).toBe(240_000);
    expect(pendingRetryDelay(() => 1, 30)).toBe(30_000);
  });

  it('shows "waiting for your administrator\'s approval" in the popup, not an error', () => {
    const { level, headline } = describeStatus(
      ProtectionStatus.parse({ policy: 'ok', backendUrl: 'https://guard.example.com', pendingApproval: true }),
    );

    expect(level).toBe('warn');
    expect(headline.toLowerCase()).toContain("waiting for your administrator's approval");
  });
});
