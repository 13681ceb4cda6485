/**
 * Sign in with Slack in real Chromium (issue #10): the built extension under a real managed
 * policy, the backend as a real process started with the client-id flags, and the fake
 * OpenID provider inside the fake Slack. The first time, Slack wants a click: the popup
 * explains why and its one button opens Slack's consent page, where the user clicks Allow.
 * The second time (another browser of the same user) nothing is typed or clicked: the
 * extension's silent `launchWebAuthFlow` gets Slack's answer and the backend verifies it.
 */
import { mkdirSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { TEAM_ID, USER_ID } from '../fakes/fake-slack';
import { OIDC_CLIENT_SECRET, type FakeSlackOidc } from '../fakes/fake-slack-oidc';
import type { Backend } from './harness/backend';
import { expect, test as base } from './harness/extension-fixtures';
import { identityServe, pluggedOidc, SLACK_EMAIL } from './harness/slack-identity';
import { DashboardPage } from './harness/dashboard-page';
import { SlackPage } from './harness/slack-page';

const test = base.extend<{ oidc: FakeSlackOidc }>({
  oidc: async ({ fakeSlack }, use) => {
    const oidc = await pluggedOidc(fakeSlack);
    await use(oidc);
    await oidc.unplug();
  },
  backendOptions: async ({ oidc }, use, testInfo) => {
    const dir = testInfo.outputPath('identity');
    mkdirSync(dir, { recursive: true });
    await use(identityServe(oidc, dir));
  },
});

async function devices(backend: Backend) {
  return (await backend.api('/api/devices')).devices as Record<string, any>[];
}

async function enrolled(backend: Backend, count: number) {
  await expect.poll(async () => (await devices(backend)).length, { message: 'devices enrolled' }).toBe(count);
}

test('verified with one click the first time and without any the second time', async ({
  context,
  backend,
  slack,
  probe,
  oidc,
  extensionId,
  launch,
  fakeSlack,
}) => {
  expect(await (await fetch(`${backend.url}/readyz`)).json()).toMatchObject({ slackIdentity: 'verified' });
  await enrolled(backend, 1);

  // First time: Slack wants consent, so the silent attempt fails and the popup asks.
  await slack.signIn();
  await expect
    .poll(async () => (await probe.status())?.slackIdentity?.state, { message: 'silent attempt done' })
    .toBe('needs_consent');
  expect(oidc.authorizeRequests).toEqual([{ userId: USER_ID, silent: false }]);
  const popup = await context.newPage();
  await popup.goto(`chrome-extension://${extensionId}/popup.html`);
  await expect(popup.getByText('Slack asks you once; after that it happens without a click.')).toBeVisible();
  const consentOpened = context.waitForEvent('page', {
    predicate: (p: Page) => p.url().includes('/openid/connect/authorize'),
  });
  await popup.getByRole('button', { name: 'Verify with Slack' }).click();
  const consent = await consentOpened;
  await consent.getByRole('button', { name: 'Allow' }).click();

  await expect
    .poll(async () => ((d) => [d?.userId, d?.identity])((await devices(backend))[0]), {
      message: 'the page’s user reported and verified',
    })
    .toEqual([USER_ID, 'verified']);
  const [first] = await devices(backend);
  expect(first).toMatchObject({
    userId: USER_ID,
    verifiedUserId: USER_ID,
    verifiedTeamId: TEAM_ID,
    verifiedEmail: SLACK_EMAIL,
  });
  await expect(popup.getByText(`${USER_ID}, confirmed by Slack`)).toBeVisible();
  await expect(popup.getByRole('button', { name: 'Verify with Slack' })).toHaveCount(0);

  // Second time: the same user on another browser is verified without a click.
  const requestsBefore = oidc.authorizeRequests.length;
  const second = await launch({ name: 'second-browser' });
  await enrolled(backend, 2);
  await new SlackPage(second, fakeSlack).signIn();

  await expect
    .poll(async () => (await devices(backend)).filter((d) => d.identity === 'verified').length, {
      message: 'second device verified',
    })
    .toBe(2);
  expect(oidc.authorizeRequests.slice(requestsBefore)).toEqual([{ userId: USER_ID, silent: true }]);
  expect(second.pages().some((p) => p.url().includes('/openid/connect/authorize'))).toBe(false);

  // The admin sees both devices' user as verified; no secret or code was ever logged.
  const dashboard = await DashboardPage.signIn(context, backend.url);
  await dashboard.open('/devices');
  await expect(dashboard.page.locator('#devices tbody tr .badge.ok', { hasText: 'verified' })).toHaveCount(2);
  await expect(dashboard.page.locator('#identity-not-configured')).toHaveCount(0);
  expect(backend.output()).toContain('slack identity verified');
  expect(backend.output()).not.toContain(OIDC_CLIENT_SECRET);
  expect(backend.output()).not.toContain('fake-code-');
});
