/**
 * Issue #13, the other side: an extension loaded unpacked (a development load) gets no
 * blocking webRequest in Chromium's Manifest V3, so the vault cannot keep `d` out of the
 * store. It stays off rather than half-working, the popup says so and why, and Slack
 * keeps working from the store as before.
 */
import { expect, test } from './harness/fixtures';

declare const chrome: any;

test.use({ orgPolicy: { mode: 'enforce', sessionVault: 'memory' } });

test('loaded unpacked, the vault stays off and the popup says why', async ({
  context,
  serviceWorker,
  extensionId,
  slack,
}) => {
  await expect
    .poll(() => serviceWorker.evaluate(async () => (await chrome.storage.local.get('status')).status?.sessionVault), {
      timeout: 45_000,
    })
    .toMatchObject({ requested: 'memory', mode: 'off' });
  await slack.signIn();
  expect(await slack.sessionCookie()).toMatch(/^xoxd-/);
  expect(await serviceWorker.evaluate(async () => (await chrome.declarativeNetRequest.getSessionRules()).length)).toBe(
    0,
  );
  const popup = await context.newPage();
  await popup.goto(`chrome-extension://${extensionId}/popup.html`);
  await expect(popup.getByText(/off: this browser did not install Session Guard by policy/)).toBeVisible();
});
