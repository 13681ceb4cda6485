import { describe, expect, it, vi } from 'vitest';
import { startSignout, type SignoutDeps, type SlackAnswer, type SlackCall } from '@/src/extension/slack-signout';
import { tokensFromLocalConfig } from '@/src/extension/collectors/slack-token';
import { headerSafe } from '@/src/extension/slack-signout-requests';

const D = 'xoxd-AbCdEf%2Bghi';
const XOXC = 'xoxc-1111-2222-3333';

/** A Slack that answers per method; records every call. */
function fakeSlack(answers: Partial<Record<SlackCall['method'], SlackAnswer>>, over: Partial<SignoutDeps> = {}) {
  const calls: SlackCall[] = [];
  const deps: SignoutDeps = {
    enabled: async () => true,
    readTokens: async () => [XOXC],
    call: vi.fn(async (call: SlackCall) => {
      calls.push(call);
      return answers[call.method] ?? { status: 200, ok: false, error: 'unknown_method' };
    }),
    ...over,
  };
  return { deps, calls };
}

const refused: SlackAnswer = { status: 200, ok: false, error: 'invalid_auth' };

describe('signing out at Slack', () => {
  it('revokes the page token with d, then confirms that auth.test with only d is refused', async () => {
    const { deps, calls } = fakeSlack({ 'auth.revoke': { status: 200, ok: true }, 'auth.test': refused });

    const result = await startSignout(deps, D).result;

    expect(result).toEqual({ status: 'confirmed', method: 'auth.revoke' });
    expect(calls).toEqual([
      { method: 'auth.revoke', d: D, token: XOXC },
      { method: 'auth.test', d: D },
    ]);
  });

  it('with no Slack tab open uses the sign-out that needs only d', async () => {
    const { deps, calls } = fakeSlack(
      { signout: { status: 302, ok: true }, 'auth.test': refused },
      { readTokens: async () => [] },
    );

    const result = await startSignout(deps, D).result;

    expect(result).toEqual({ status: 'confirmed', method: 'signout' });
    expect(calls.map((c) => [c.method, c.token])).toEqual([
      ['signout', undefined],
      ['auth.test', undefined],
    ]);
  });

  it('reports Slack’s code when it refuses the revoke, and does not claim confirmation', async () => {
    const { deps, calls } = fakeSlack({ 'auth.revoke': { status: 200, ok: false, error: 'org_login_required' } });

    expect(await startSignout(deps, D).result).toEqual({
      status: 'failed',
      method: 'auth.revoke',
      code: 'org_login_required',
    });
    expect(calls.map((c) => c.method)).toEqual(['auth.revoke']);
  });

  it('is not fooled: a session Slack still accepts, or a d Slack never saw (not_authed), is a failure', async () => {
    const stillValid = fakeSlack({ 'auth.revoke': { status: 200, ok: true }, 'auth.test': { status: 200, ok: true } });
    const unseen = fakeSlack({
      'auth.revoke': { status: 200, ok: true },
      'auth.test': { status: 200, ok: false, error: 'not_authed' },
    });

    expect(await startSignout(stillValid.deps, D).result).toMatchObject({
      status: 'failed',
      code: 'session_still_valid',
    });
    expect(await startSignout(unseen.deps, D).result).toMatchObject({ status: 'failed', code: 'not_authed' });
  });

  it('never repeats an answer that is not shaped like a Slack error code (it could carry anything)', async () => {
    const { deps } = fakeSlack({ 'auth.revoke': { status: 200, ok: false, error: `leaked ${D}` } });

    expect(await startSignout(deps, D).result).toEqual({
      status: 'failed',
      method: 'auth.revoke',
      code: 'unexpected_answer',
    });
  });

  it('skips with the reason when the org policy turns it off or there was no session cookie', async () => {
    const off = fakeSlack({}, { enabled: async () => false });
    const none = fakeSlack({});

    expect(await startSignout(off.deps, D).result).toEqual({ status: 'skipped', reason: 'policy_off' });
    expect(await startSignout(none.deps, null).result).toEqual({ status: 'skipped', reason: 'no_session_cookie' });
    expect([...off.calls, ...none.calls]).toEqual([]);
  });

  it('gives up after the timeout as failed: timeout, and a network error as failed: network', async () => {
    const hung = fakeSlack({}, { call: () => new Promise<SlackAnswer>(() => undefined), timeoutMs: 50 });
    const broken = fakeSlack({}, { call: async () => Promise.reject(new TypeError('Failed to fetch')) });

    expect(await startSignout(hung.deps, D).result).toEqual({ status: 'failed', code: 'timeout' });
    expect(await startSignout(broken.deps, D).result).toEqual({
      status: 'failed',
      method: 'auth.revoke',
      code: 'network',
    });
  });

  it('says the page token was read without waiting for Slack, so site data may be cleared meanwhile', async () => {
    const order: string[] = [];
    let answer!: (a: SlackAnswer) => void;
    const { deps } = fakeSlack(
      {},
      {
        readTokens: async () => (order.push('read'), [XOXC]),
        call: (call) => (order.push(call.method), new Promise<SlackAnswer>((resolve) => (answer = resolve))),
      },
    );

    const run = startSignout(deps, D);
    await run.captured;
    const atCapture = [...order];
    answer({ status: 200, ok: false, error: 'org_login_required' });

    expect(atCapture[0]).toBe('read');
    expect(await run.result).toMatchObject({ status: 'failed', code: 'org_login_required' });
  });
});

describe('the page’s token and the cookie header', () => {
  it('reads only xoxc tokens from Slack’s localConfig_v2', () => {
    const raw = JSON.stringify({ teams: { T1: { token: XOXC }, T2: { token: 'xoxp-not-a-session' }, T3: {} } });

    expect(tokensFromLocalConfig(raw)).toEqual([XOXC]);
    expect(tokensFromLocalConfig('not json')).toEqual([]);
    expect(tokensFromLocalConfig(null)).toEqual([]);
  });

  it('refuses a d that could smuggle another header or cookie', () => {
    expect(headerSafe(D)).toBe(true);
    expect(headerSafe('xoxd-a; b=c')).toBe(false);
    expect(headerSafe('xoxd-a\r\nx-evil: 1')).toBe(false);
    expect(headerSafe('')).toBe(false);
  });
});
