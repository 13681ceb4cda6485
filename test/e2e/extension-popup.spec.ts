/**
 * What the user sees, in real Chromium (issue #4): the popup says in plain words whether
 * this browser is protected, where its policy comes from, whether the server answers,
 * when it last reported and the last verdict; unconfigured or failing, it says what is
 * wrong. UPDATE_DOCS=1 refreshes docs/popup.png from this run.
 */
import { copyFileSync } from 'node:fs';
import type { BrowserContext, Page } from '@playwright/test';
import { expect, test } from './harness/extension-fixtures';
import { fetchFiles } from './harness/slack-files';

async function openPopup(context: BrowserContext, extensionId: string): Promise<Page> {
  const popup = await context.newPage();
  await popup.setViewportSize({ width: 380, height: 360 });
  await popup.goto(`chrome-extension://${extensionId}/popup.html`);
  return popup;
}

const row = (popup: Page, term: string) =>
  popup.locator('dt', { hasText: term }).locator('xpath=following-sibling::dd[1]');

test.describe('configured', () => {
  test('shows protection status in plain words, and what is wrong when the server is down', async ({
    slack,
    backend,
    context,
    extensionId,
  }, testInfo) => {
    const page = await slack.signIn();
    await fetchFiles(page, 1, 1);
    const popup = await openPopup(context, extensionId);

    await expect(popup.getByRole('status')).toHaveText(/^Protected: your Slack session is watched/);
    await expect(row(popup, 'Policy')).toHaveText(
      'Chrome managed policy (chrome.storage.managed), set by your organisation',
    );
    await expect(row(popup, 'Server')).toHaveText(`${backend.url}: connected, verdicts arrive instantly`);
    await expect(row(popup, 'Last report')).toHaveText(/^sent (just now|\d+ seconds ago)$/);
    await expect(row(popup, 'Last verdict')).toHaveText('none: your session has never been ended');
    const shot = testInfo.outputPath('popup.png');
    await popup.screenshot({ path: shot });
    await testInfo.attach('popup', { path: shot, contentType: 'image/png' });
    if (process.env.UPDATE_DOCS === '1') copyFileSync(shot, 'docs/popup.png');

    await backend.stop();
    await fetchFiles(page, 2, 2);

    await expect(popup.getByRole('status')).toHaveText(/cannot be reached right now/);
    await expect(row(popup, 'Server')).toHaveText(/not reachable|connecting/);
    await expect(row(popup, 'Problem')).toHaveText(/^backend unreachable/);
    await expect(row(popup, 'Waiting to send')).not.toHaveText('nothing');
  });
});

test.describe('unconfigured', () => {
  test.use({ policyOverride: null });

  test('says that the organisation has set no policy', async ({ context, extensionId }) => {
    const popup = await openPopup(context, extensionId);

    await expect(popup.getByRole('status')).toHaveText(
      /^Not protected: your organisation has not set a Session Guard policy/,
      { timeout: 20_000 },
    );
    await expect(popup.locator('dl')).toHaveCount(0);
  });
});

test.describe('misconfigured', () => {
  test.use({ policyOverride: { backendUrl: 'ftp://guard.example.com' } });

  test('names what is wrong with the policy', async ({ context, extensionId }) => {
    const popup = await openPopup(context, extensionId);

    await expect(popup.getByRole('status')).toHaveText(
      /^Not protected: the Session Guard policy .* is invalid \(backendUrl: backendUrl must be an https URL\)/,
      { timeout: 20_000 },
    );
  });
});

test.describe('plain http off loopback (issue #10)', () => {
  test.use({ policyOverride: { backendUrl: 'http://guard.example.com' } });

  test('refuses the policy and says https is required', async ({ context, extensionId }) => {
    const popup = await openPopup(context, extensionId);

    await expect(popup.getByRole('status')).toHaveText(
      /^Not protected: the Session Guard policy .* is invalid \(backendUrl: backendUrl must use https \(plain http is allowed only on loopback/,
      { timeout: 20_000 },
    );
  });
});
