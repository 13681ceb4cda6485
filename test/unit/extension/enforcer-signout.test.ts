import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { executeVerdict, type EnforcerDeps } from '@/src/extension/enforcer';
import { openLocalDb, resetLocalDbForTests } from '@/src/extension/local-db';
import type { SignoutRun } from '@/src/extension/slack-signout';
import { sign } from '@/src/shared/crypto/signing';
import type { SignedVerdict, SlackSignout, VerdictAck } from '@/src/shared/protocol';

const DEVICE = 'device-abcdefghijklmnop';
const NOW = 1_800_000_000_000;
let key: CryptoKeyPair;
let n = 0;

async function verdict(): Promise<SignedVerdict> {
  const payload = JSON.stringify({
    v: 1,
    id: crypto.randomUUID(),
    action: 'terminate',
    reasons: ['excessive_downloads'],
    target: { deviceId: DEVICE, sessionKey: null, userId: null },
    issuedAt: NOW - 1000,
    expiresAt: NOW + 600_000,
    policyVersion: 1,
  });
  return { payload, signature: await sign(key.privateKey, payload) };
}

async function harness() {
  resetLocalDbForTests();
  const events: string[] = [];
  const acks: VerdictAck[] = [];
  let finish!: (s: SlackSignout) => void;
  const result = new Promise<SlackSignout>((resolve) => (finish = resolve));
  const signOut = vi.fn((d: string | null): SignoutRun => {
    events.push(`signOut(${d})`);
    return { captured: Promise.resolve().then(() => void events.push('captured')), result };
  });
  const deps: EnforcerDeps = {
    db: await openLocalDb(`enforcer-signout-${++n}`),
    verdictKey: async () => key.publicKey,
    deviceId: () => DEVICE,
    currentSessionKey: async () => null,
    clearCookies: async () => (events.push('cleared'), { cleared: 3, hosts: ['.slack.com'], sessionCookie: 'xoxd-x' }),
    afterClear: async () => void events.push('afterClear'),
    acknowledge: async (ack) => void (events.push('ack'), acks.push(ack)),
    signOut,
    now: () => NOW,
  };
  return { deps, events, acks, finish };
}

describe('enforcer with the sign-out at Slack (issue #12)', () => {
  beforeEach(async () => {
    key = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
  });

  it('clears first, signs out with the d it cleared, clears site data once the token is read, and acks the result', async () => {
    const { deps, events, acks, finish } = await harness();

    const running = executeVerdict(deps, await verdict(), 'websocket');
    await vi.waitFor(() => expect(events).toContain('afterClear'));
    finish({ status: 'confirmed', method: 'auth.revoke' });
    await running;

    expect(events).toEqual(['cleared', 'signOut(xoxd-x)', 'captured', 'afterClear', 'ack']);
    expect(acks[0]).toMatchObject({
      outcome: 'executed',
      slackSignout: { status: 'confirmed', method: 'auth.revoke' },
    });
  });

  it('a second delivery while the sign-out runs acknowledges nothing (the first ack must win)', async () => {
    const { deps, acks, finish } = await harness();
    const v = await verdict();

    const first = executeVerdict(deps, v, 'websocket');
    await vi.waitFor(() => expect(deps.signOut).toHaveBeenCalled());
    const second = await executeVerdict(deps, v, 'poll');
    finish({ status: 'failed', method: 'auth.revoke', code: 'org_login_required' });
    await first;

    expect(second.outcome).toBe('already_executed');
    expect(acks.map((a) => [a.outcome, a.slackSignout?.status])).toEqual([['executed', 'failed']]);
  });
});
