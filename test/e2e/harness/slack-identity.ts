/**
 * Sign in with Slack for the end-to-end tests (issue #10): the fake OpenID provider
 * (test/fakes/fake-slack-oidc.ts) answers `https://slack.com/openid/connect/*` inside the
 * HTTPS fake Slack (so the browser's `.slack.com` `d` cookie reaches it, as it reaches
 * Slack), and its keys and token endpoint on plain loopback for the backend. Whoever signed
 * in to the fake Slack is its user. `identityServe` is the `serve` flags that turn it on.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TEAM_ID, USER_ID, type FakeSlack } from '../../fakes/fake-slack';
import {
  OIDC_CLIENT_ID,
  OIDC_CLIENT_SECRET,
  startFakeSlackOidc,
  type FakeSlackOidc,
} from '../../fakes/fake-slack-oidc';
import type { BackendOptions } from './backend';

export const SLACK_EMAIL = 'analyst@example.com';

/** A provider plugged into the fake Slack; call `unplug` when done. */
export async function pluggedOidc(fakeSlack: FakeSlack): Promise<FakeSlackOidc & { unplug(): Promise<void> }> {
  const oidc = await startFakeSlackOidc({
    userFor: (d) => (fakeSlack.sessions.includes(d) ? { userId: USER_ID, teamId: TEAM_ID, email: SLACK_EMAIL } : null),
  });
  const handle = oidc.handle.bind(oidc);
  fakeSlack.routes.push(handle);
  return Object.assign(oidc, {
    async unplug() {
      fakeSlack.routes.splice(fakeSlack.routes.indexOf(handle), 1);
      await oidc.close();
    },
  });
}

/**
 * `serve --slack-client-id … --slack-client-secret-file … --slack-oidc-url … --slack-team …`.
 * The browser goes to https://slack.com/openid/connect/authorize (mapped to the fake
 * Slack); the backend reads keys from the provider's loopback URL, which is also the issuer.
 */
export function identityServe(oidc: FakeSlackOidc, dir: string, apiUrl = oidc.apiUrl): BackendOptions {
  const secretFile = join(dir, 'slack-client-secret');
  writeFileSync(secretFile, `${OIDC_CLIENT_SECRET}\n`, { mode: 0o600 });
  return {
    serveArgs: [
      '--slack-client-id',
      OIDC_CLIENT_ID,
      '--slack-client-secret-file',
      secretFile,
      '--slack-oidc-url',
      oidc.url,
      '--slack-team',
      TEAM_ID,
      '--slack-api-url',
      apiUrl,
    ],
    env: { SESSION_GUARD_SLACK_AUTHORIZE_URL: 'https://slack.com/openid/connect/authorize' },
  };
}
