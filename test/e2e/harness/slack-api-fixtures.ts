/**
 * The harness with Slack's side attached (issue #12 specs): a fake Slack Web and Audit
 * Logs API, Sign in with Slack plugged into the fake Slack (the user has consented), and
 * the backend started against both. `env` adds what a spec tunes (poll intervals, logs).
 */
import { mkdirSync } from 'node:fs';
import { USER_ID } from '../../fakes/fake-slack';
import { startFakeSlackApi, type FakeSlackApi } from '../../fakes/fake-slack-api';
import type { FakeSlackOidc } from '../../fakes/fake-slack-oidc';
import { test as base } from './fixtures';
import { identityServe, pluggedOidc } from './slack-identity';

export function withSlackApi(env: Record<string, string> = {}) {
  return base.extend<{ slackApi: FakeSlackApi; oidc: FakeSlackOidc }>({
    slackApi: async ({}, use) => {
      const api = await startFakeSlackApi();
      await use(api);
      await api.close();
    },
    oidc: async ({ fakeSlack, slackApi }, use) => {
      const oidc = await pluggedOidc(fakeSlack);
      oidc.consented.add(USER_ID);
      slackApi.oidc = oidc;
      await use(oidc);
      await oidc.unplug();
    },
    backendOptions: async ({ slackApi, oidc }, use, testInfo) => {
      const dir = testInfo.outputPath('identity');
      mkdirSync(dir, { recursive: true });
      const identity = identityServe(oidc, dir, slackApi.apiUrl);
      await use({
        serveArgs: identity.serveArgs,
        env: {
          ...identity.env,
          SESSION_GUARD_SLACK_API_URL: slackApi.apiUrl,
          SESSION_GUARD_SLACK_AUDIT_URL: slackApi.auditUrl,
          SESSION_GUARD_SLACK_AUDIT_POLL_SECONDS: '1',
          ...env,
        },
      });
    },
  });
}
