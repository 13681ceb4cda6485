/**
 * Changing the policy from the dashboard in real Chromium (issue #5): the editor validates
 * as the admin types (the zod schema, through the API), shows the diff, saves a new
 * version after a review step, the history says who changed what, and the new version
 * takes effect: downloads that version 1 allowed now end the session under version 2.
 */
import { expect, test } from './harness/fixtures';
import { DashboardPage } from './harness/dashboard-page';

test.use({
  orgPolicy: {
    mode: 'enforce',
    detectors: { excessive_downloads: { maxFiles: 5, maxBytes: 500_000_000, windowSeconds: 600 } },
  },
});

test('a policy edited in the dashboard is validated, reviewed, saved as a new version, and takes effect', async ({
  context,
  backend,
  slack,
}) => {
  const before = await backend.api('/api/policy');
  const dashboard = await DashboardPage.signIn(context, backend.url);
  await dashboard.nav('Policy').click();
  const editor = dashboard.page.getByLabel('Policy (JSON)');
  await dashboard.page.getByText('Advanced: the policy as JSON').click(); // the advanced view (issue #14)
  const validation = dashboard.page.locator('#policy-validation');
  await expect(dashboard.page.locator('#policy-current')).toContainText(`version ${before.version}`);

  // Validation as you type: broken JSON, then a value the schema refuses, named by its path.
  await editor.fill('{ "mode": ');
  await expect(validation).toContainText('Not valid');
  await expect(validation).toContainText('not valid JSON');
  await expect(editor).toHaveAttribute('aria-invalid', 'true');
  await editor.fill(JSON.stringify({ ...before.policy, cooldownSeconds: -1 }, null, 2));
  await expect(validation).toContainText('cooldownSeconds');

  const next = structuredClone(before.policy);
  next.detectors.excessive_downloads.maxFiles = 2;
  await editor.fill(JSON.stringify(next, null, 2));
  await expect(validation).toContainText(
    `Valid. Changes from version ${before.version}: detectors.excessive_downloads.maxFiles`,
  );
  await expect(editor).toHaveAttribute('aria-invalid', 'false');
  await expect(dashboard.page.locator('#policy-diff-live .add')).toHaveText(['+       "maxFiles": 2,']);
  await expect(dashboard.page.locator('#policy-diff-live .remove')).toHaveText(['-       "maxFiles": 5,']);

  // The review step shows the diff before anything is saved.
  await dashboard.page.getByRole('button', { name: 'Review changes' }).click();
  await expect(
    dashboard.page.getByRole('heading', { name: `Review: changes from version ${before.version}` }),
  ).toBeVisible();
  await expect(dashboard.page.locator('#policy-diff-review .add')).toContainText('"maxFiles": 2');
  expect((await backend.api('/api/policy')).version).toBe(before.version);
  await dashboard.page.getByRole('button', { name: `Save as version ${before.version + 1}` }).click();
  await expect(dashboard.page.locator('#policy-notice')).toHaveText(
    `Saved as version ${before.version + 1}. New findings and verdicts are decided under it.`,
  );

  // History: who changed what.
  const newest = dashboard.page.locator('#policy-history tbody tr').first();
  await expect(newest).toContainText(`v${before.version + 1}`);
  await expect(newest).toContainText(/dashboard:[0-9a-f]{8}/);
  await expect(newest).toContainText('detectors.excessive_downloads.maxFiles');
  await dashboard.nav('Audit log').click();
  await expect(dashboard.page.locator('#audit tbody tr').first()).toContainText('policy.update');

  // It takes effect: three downloads were fine under version 1 (max 5), not under version 2 (max 2).
  await dashboard.nav('Verdicts').click();
  await slack.signIn();
  await expect.poll(async () => (await backend.api('/api/devices')).devices.length).toBe(1);
  await slack.downloadFiles(3);
  const row = dashboard.verdictRows().first();
  await expect(row).toContainText('excessive_downloads', { timeout: 15_000 });
  await expect(row).toContainText(`v${before.version + 1}`);
  await expect.poll(async () => (await slack.sessionCookie()) ?? 'cleared').toBe('cleared');

  await row.getByRole('link').first().click();
  await expect(dashboard.page.locator('#policy-version')).toContainText(`Policy version ${before.version + 1}`);
  await expect(dashboard.page.locator('#policy-version')).toContainText('detectors.excessive_downloads.maxFiles');
  await expect(dashboard.page.locator('#finding-summary')).toContainText('limits 2 files');
});
