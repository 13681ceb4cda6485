import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { fromSlackClient, watchSlackIdentity } from '@/src/extension/collectors/slack-identity';
import { parseSlackIdentity, SLACK_IDENTITY_MESSAGE } from '@/src/extension/collectors/slack-identity-parse';
import { recordingSink } from './fakes';

const config = (over: object = {}) =>
  JSON.stringify({
    teams: {
      T0AAA1: { id: 'T0AAA1', user_id: 'U0AAA1', token: 'xoxc-secret' },
      T0BBB2: { id: 'T0BBB2', user_id: 'U0BBB2', token: 'xoxc-other' },
    },
    lastActiveTeamId: 'T0BBB2',
    ...over,
  });

const slackTab = { id: 'x', url: 'https://app.slack.com/client/T0BBB2', tab: { id: 3 } as never, frameId: 0 };

describe('Slack identity', () => {
  beforeEach(() => fakeBrowser.reset());

  it('reads the active team and its user, and nothing else', () => {
    const identity = parseSlackIdentity(config());

    expect(identity).toEqual({ teamId: 'T0BBB2', userId: 'U0BBB2' });
    expect(JSON.stringify(identity)).not.toContain('xoxc');
  });

  it('falls back to the first complete team, and gives up on a broken config', () => {
    expect(parseSlackIdentity(config({ lastActiveTeamId: 'T0GONE' }))).toEqual({ teamId: 'T0AAA1', userId: 'U0AAA1' });
    expect(parseSlackIdentity('{not json')).toBeNull();
    expect(parseSlackIdentity(JSON.stringify({ teams: { T0X: { user_id: '<script>' } } }))).toBeNull();
    expect(parseSlackIdentity(null)).toBeNull();
  });

  it('accepts messages only from the top frame of an app.slack.com tab of this extension', () => {
    const id = fakeBrowser.runtime.id;

    expect(fromSlackClient({ ...slackTab, id }, id)).toBe(true);
    expect(fromSlackClient({ ...slackTab, id, url: 'https://evil.example/app.slack.com' }, id)).toBe(false);
    expect(fromSlackClient({ ...slackTab, id, frameId: 2 }, id)).toBe(false);
    expect(fromSlackClient({ ...slackTab, id, tab: undefined }, id)).toBe(false);
    expect(fromSlackClient({ ...slackTab, id: 'another-extension' }, id)).toBe(false);
  });

  it('reports a slack_identity signal once per change', async () => {
    const { sink, drafts } = recordingSink();
    watchSlackIdentity(sink);
    const sender = { ...slackTab, id: fakeBrowser.runtime.id };
    const send = (userId: string) =>
      fakeBrowser.runtime.onMessage.trigger({ type: SLACK_IDENTITY_MESSAGE, teamId: 'T0BBB2', userId }, sender);

    await send('U0BBB2');
    await new Promise((r) => setTimeout(r, 10));
    await send('U0BBB2');
    await new Promise((r) => setTimeout(r, 10));
    await send('U0CCC3');
    await new Promise((r) => setTimeout(r, 10));

    expect(drafts.map((d) => d.draft)).toEqual([
      { type: 'slack_identity', teamId: 'T0BBB2', userId: 'U0BBB2' },
      { type: 'slack_identity', teamId: 'T0BBB2', userId: 'U0CCC3' },
    ]);
  });
});
