import { describe, expect, it } from 'vitest';
import { verdictRow } from '../../src/dashboard/tables';
import type { VerdictView } from '../../src/shared/protocol/admin';

const verdict = (slackSignout: NonNullable<VerdictView['ack']>['slackSignout']): VerdictView => ({
  id: '00000000-0000-4000-8000-000000000001',
  deviceId: 'device-abcdefghijklmnop',
  userId: null,
  sessionKey: null,
  reasons: ['tor'],
  action: 'terminate',
  issuedAt: 1_800_000_000_000,
  expiresAt: 1_800_000_600_000,
  policyVersion: 1,
  findingId: 'f1',
  detectedAt: 1_800_000_000_000,
  ack: {
    outcome: 'executed',
    detail: null,
    via: 'websocket',
    cookiesCleared: 3,
    receivedAt: 1_800_000_000_500,
    timings: { receivedAt: 1, verifiedAt: 2, clearedAt: 3, ackSentAt: 4 },
    latencyMs: 120,
    slackSignout,
  },
});

describe('the sign-out result on a verdict row (issue #12)', () => {
  it('shows confirmed, failed with Slack’s code, or nothing from an older extension', () => {
    const confirmed = verdictRow(verdict({ status: 'confirmed', detail: 'auth.revoke' })).toString();
    const failed = verdictRow(verdict({ status: 'failed', detail: 'auth.revoke: org_login_required' })).toString();
    const old = verdictRow(verdict(null)).toString();

    expect(confirmed).toContain('data-slack-signout="confirmed"');
    expect(confirmed).toContain('class="badge ok"');
    expect(failed).toContain('data-slack-signout="failed"');
    expect(failed).toContain('org_login_required');
    expect(old).not.toContain('data-slack-signout');
  });
});
