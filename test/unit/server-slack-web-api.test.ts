import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callMethod, fetchAuditLogs, SlackCallError } from '../../src/server/slack/web-api';
import { auditEntry, FAKE_TOKEN, startFakeSlackApi, type FakeSlackApi } from '../fakes/fake-slack-api';

let fake: FakeSlackApi;
const endpoints = () => ({ apiUrl: fake.apiUrl, auditUrl: fake.auditUrl });
const refusal = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    return error as SlackCallError;
  }
  throw new Error('expected Slack to refuse');
};

beforeAll(async () => {
  fake = await startFakeSlackApi();
});
afterAll(() => fake.close());

describe('Slack Web API client', () => {
  it('answers auth.test with the team and the scopes Slack lists', async () => {
    const answer = await callMethod(endpoints(), FAKE_TOKEN, 'auth.test');

    expect(answer.body).toMatchObject({ ok: true, team_id: 'T0SGADMIN1' });
    expect(answer.scopes).toContain('admin.users:write');
  });

  it("turns ok:false into an error carrying Slack's code, never the token", async () => {
    const error = await refusal(callMethod(endpoints(), 'xoxp-not-a-known-token', 'auth.test'));

    expect(error).toBeInstanceOf(SlackCallError);
    expect(error.code).toBe('invalid_auth');
    expect(error.retryable).toBe(false);
    expect(error.message).not.toContain('xoxp-');
  });

  it('carries Retry-After from a 429 and counts it as retryable', async () => {
    fake.failNext('admin.users.session.reset', { status: 429, retryAfter: 7 });

    const error = await refusal(callMethod(endpoints(), FAKE_TOKEN, 'admin.users.session.reset', { user_id: 'U1' }));

    expect(error).toMatchObject({ code: 'ratelimited', httpStatus: 429, retryAfterMs: 7000 });
    expect(error.retryable).toBe(true);
  });

  it('treats a 5xx as retryable and feature_not_enabled as final', async () => {
    fake.failNext('admin.users.session.reset', { status: 500 });
    fake.failNext('admin.users.session.reset', { error: 'feature_not_enabled' });

    expect(
      (await refusal(callMethod(endpoints(), FAKE_TOKEN, 'admin.users.session.reset', { user_id: 'U1' }))).retryable,
    ).toBe(true);
    expect(
      await refusal(callMethod(endpoints(), FAKE_TOKEN, 'admin.users.session.reset', { user_id: 'U1' })),
    ).toMatchObject({ code: 'feature_not_enabled' });
  });

  it('reports an unreachable Slack as a retryable network error', async () => {
    const error = await refusal(
      callMethod({ apiUrl: 'http://127.0.0.1:1/api', auditUrl: '' }, FAKE_TOKEN, 'auth.test'),
    );

    expect(error).toMatchObject({ code: 'network_error', retryable: true });
  });
});

describe('Audit Logs API client', () => {
  it('pages through a window newest first with next_cursor', async () => {
    for (let i = 0; i < 5; i++)
      fake.audit.push(auditEntry({ id: `page-${i}`, at: 1000 + i, userId: 'U1', ip: '192.0.2.1' }));

    const first = await fetchAuditLogs(endpoints(), FAKE_TOKEN, { oldest: 1000, latest: 1004, limit: 3 });
    const second = await fetchAuditLogs(endpoints(), FAKE_TOKEN, {
      oldest: 1000,
      latest: 1004,
      limit: 3,
      cursor: first.nextCursor,
    });

    expect(first.entries.map((e: any) => e.id)).toEqual(['page-4', 'page-3', 'page-2']);
    expect(second.entries.map((e: any) => e.id)).toEqual(['page-1', 'page-0']);
    expect(second.nextCursor).toBeNull();
  });

  it('refuses a token without auditlogs:read with missing_scope', async () => {
    fake.tokens.set('xoxp-no-audit-scope', {
      teamId: 'T1',
      team: 't',
      enterpriseId: 'E1',
      userId: 'W1',
      scopes: ['admin.users:write'],
    });

    const error = await refusal(
      fetchAuditLogs(endpoints(), 'xoxp-no-audit-scope', { oldest: 0, latest: 10, limit: 10 }),
    );

    expect(error).toMatchObject({ code: 'missing_scope', httpStatus: 403 });
  });
});
