/**
 * Which feed a Slack token gets (issue #12) and when `auto` may reset sessions: decided by
 * the scopes Slack listed and the connection's org, each answer with its reason.
 */
import { describe, expect, it } from 'vitest';
import type { SlackConnectionRow } from '../../src/server/db/slack-connection.repository';
import { gridConnectionWorks } from '../../src/server/slack/auto-revocation';
import { feedSource } from '../../src/server/slack/feed-source';

const row = (fields: Partial<SlackConnectionRow>): SlackConnectionRow => ({
  id: 'default',
  token_sealed: 'v1.x',
  key_id: 'k',
  team_id: 'T1',
  team: 'Team',
  enterprise_id: 'E1',
  user_id: 'W1',
  scopes: null,
  connected_at: 0,
  connected_by: 'test',
  last_test_at: null,
  last_test_ok: null,
  last_test_error: null,
  ...fields,
});

describe('feed source', () => {
  it('prefers the Audit Logs API, falls back to team.accessLogs, else watches nothing', () => {
    expect(feedSource(row({ scopes: 'admin,auditlogs:read,admin.users:write' })).source).toBe('audit_logs');
    expect(feedSource(row({ scopes: 'admin' }))).toEqual({
      source: 'access_logs',
      why: expect.stringContaining('lacks auditlogs:read but has admin'),
    });
    expect(feedSource(row({ scopes: 'channels:read' }))).toEqual({
      source: 'none',
      why: expect.stringContaining('neither auditlogs:read'),
    });
    expect(feedSource(row({ scopes: null })).source).toBe('audit_logs');
    expect(feedSource(undefined)).toEqual({ source: 'none', why: 'Slack is not connected.' });
  });
});

describe('grid connection for auto', () => {
  it('needs an Enterprise Grid org, admin.users:write and no failed last test', () => {
    expect(gridConnectionWorks(row({ scopes: 'admin.users:write' })).ok).toBe(true);
    expect(gridConnectionWorks(row({ enterprise_id: null })).why).toBe(
      'the Slack connection is not an Enterprise Grid org',
    );
    expect(gridConnectionWorks(row({ scopes: 'admin,auditlogs:read' })).why).toBe(
      'the Slack token lacks admin.users:write',
    );
    expect(gridConnectionWorks(row({ last_test_ok: 0 })).why).toBe('the Slack connection failed its last test');
    expect(gridConnectionWorks(undefined).ok).toBe(false);
  });
});
