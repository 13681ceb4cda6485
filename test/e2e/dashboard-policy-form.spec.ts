/**
 * The policy form in real Chromium (issue #14, "Settings an admin can read"). With the
 * keyboard alone an admin turns the `tor` detector from alert to terminate, reviews the
 * diff and saves it; the next session it catches ends. And the form and the JSON view
 * stay in step, with the schema's messages shown beside the field they concern.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './harness/fixtures';
import { DashboardPage } from './harness/dashboard-page';
import { devicesEnrolled, sessionEnded, verdictReasons } from './harness/detection';
import { torListWithLoopback } from './harness/tor-list';

test.use({
  orgPolicy: { mode: 'enforce', detectors: { tor: { action: 'alert' } } },
  backendOptions: { serveArgs: ['--tor-exit-list', torListWithLoopback('policy-form')] },
});

/** Presses Tab until the element with `id` has the focus, as a keyboard user moves. */
async function tabTo(page: Page, id: string, most = 400): Promise<number> {
  for (let presses = 1; presses <= most; presses++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((want) => document.activeElement?.id === want, id)) return presses;
  }
  throw new Error(`#${id} never got the focus in ${most} presses of Tab`);
}

/** Tabs to the button with this text (buttons here have no id). */
async function tabToButton(page: Page, text: string, most = 400): Promise<void> {
  for (let presses = 1; presses <= most; presses++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() =>
      document.activeElement?.tagName === 'BUTTON' ? document.activeElement.textContent?.trim() : null,
    );
    if (focused === text) return;
  }
  throw new Error(`the button "${text}" never got the focus`);
}

test('an admin turns tor to terminate with the keyboard alone, and the next session it catches ends', async ({
  context,
  backend,
  slack,
}) => {
  await devicesEnrolled(backend);
  const before = await backend.api('/api/policy');
  expect(before.policy.detectors.tor.action).toBe('alert');
  const dashboard = await DashboardPage.signIn(context, backend.url);
  await dashboard.open('/policy');
  const page = dashboard.page;
  const torCard = page.getByRole('group', { name: 'Slack reached through a Tor exit node tor' });
  await expect(torCard).toBeEnabled(); // the script has taken over the form
  await expect(
    torCard.getByText('A device reports its Slack session from an address on the Tor exit list.'),
  ).toBeVisible();

  // Tab to the tor card's action (the checked radio, "Alert"), then an arrow key picks "Terminate".
  const presses = await tabTo(page, 'f-detectors-tor-action-alert');
  await page.keyboard.press('ArrowDown');
  await expect(torCard.getByRole('radio', { name: 'Terminate: end the session' })).toBeChecked();
  await expect(page.locator('#policy-validation')).toContainText(
    `Valid. Changes from version ${before.version}: detectors.tor.action`,
  );
  await expect(page.locator('#policy-diff-live .add')).toHaveText(['+       "action": "terminate",']);
  await page.screenshot({ path: test.info().outputPath('policy-form-tor-terminate.png'), fullPage: false });

  // Review the diff, then save, each with Tab and Enter.
  await tabToButton(page, 'Review changes');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: `Review: changes from version ${before.version}` })).toBeVisible();
  await expect(page.locator('#policy-diff-review .add')).toContainText('"action": "terminate"');
  expect((await backend.api('/api/policy')).version).toBe(before.version);
  await tabToButton(page, `Save as version ${before.version + 1}`);
  await page.keyboard.press('Enter');
  await expect(page.locator('#policy-notice')).toHaveText(
    `Saved as version ${before.version + 1}. New findings and verdicts are decided under it.`,
  );
  const after = await backend.api('/api/policy');
  expect(after).toMatchObject({ version: before.version + 1, createdBy: expect.stringMatching(/^dashboard:/) });
  expect(after.policy.detectors.tor.action).toBe('terminate');
  console.log(`tor card's action reached in ${presses} presses of Tab`);

  // The next session the tor detector catches ends.
  await slack.signIn().catch(() => undefined); // the client page may be cut off mid-load
  await sessionEnded(context);
  expect(await verdictReasons(backend)).toEqual([['tor']]);
  expect((await backend.api('/api/verdicts')).verdicts[0].policyVersion).toBe(before.version + 1);
});

test('the form and the JSON view stay in step, and a value the schema refuses is shown beside its field', async ({
  context,
  backend,
}) => {
  const dashboard = await DashboardPage.signIn(context, backend.url);
  await dashboard.open('/policy');
  const page = dashboard.page;
  const window = page.getByLabel('Window (seconds)');
  const error = page.locator('#e-f-detectors-excessive_downloads-windowSeconds');
  const json = page.getByLabel('Policy (JSON)');
  await expect(page.locator('fieldset.rule').first()).toBeEnabled();

  await window.fill('5');
  await expect(error).toHaveText('Too small: expected number to be >=10');
  await expect(window).toHaveAttribute('aria-invalid', 'true');
  await expect(window).toHaveAccessibleDescription(/Default: 600 seconds\..*Too small: expected number to be >=10/);
  await expect(page.locator('#policy-validation')).toContainText('Not valid');
  await page
    .locator('#f-detectors-excessive_downloads')
    .screenshot({ path: test.info().outputPath('policy-form-error-beside-field.png') });

  await window.fill('900');
  await expect(error).toHaveText('');
  await expect(window).toHaveAttribute('aria-invalid', 'false');
  await page.getByText('Advanced: the policy as JSON').click();
  expect(JSON.parse(await json.inputValue()).detectors.excessive_downloads.windowSeconds).toBe(900);

  // JSON → form: an edit of the document sets the card (and a key left out shows its default).
  const document = JSON.parse(await json.inputValue());
  document.slackAnomalies.unexpected_client = { action: 'terminate', excludedUsers: ['U0001', 'U0002'] };
  delete document.detectors.excessive_downloads.windowSeconds;
  await json.fill(JSON.stringify(document, null, 2));
  const client = page.getByRole('group', { name: /unexpected_client$/ });
  await expect(client.getByRole('radio', { name: 'Terminate: end the session' })).toBeChecked();
  await expect(client.getByLabel('Excluded people')).toHaveValue('U0001, U0002');
  await expect(window).toHaveValue('600');
  await expect(page.locator('#policy-validation')).toContainText('slackAnomalies.unexpected_client.action');
});
