/**
 * The dashboard against hostile input and for keyboard users, in real Chromium (issue #5).
 * A device enrolled through the device API with a script in its user agent and in its
 * fingerprint shows that text as text; nothing runs. Every control has a label, and an
 * admin can sign in, skip to content, move between pages, filter and revoke a device with
 * the keyboard alone.
 */
import assert from 'node:assert/strict';
import type { Page } from '@playwright/test';
import { enrollRequest, fakeDevice, signedHeaders, type FakeDevice } from '../fixtures/server/fake-device';
import { fakeFingerprint } from '../fixtures/server/fake-fingerprint';
import { fakeBatch, fakeHeartbeat } from '../fixtures/server/fake-signals';
import { expect, test } from './harness/fixtures';
import { ADMIN_PASSWORD, type Backend } from './harness/backend';
import { DashboardPage } from './harness/dashboard-page';

const UA = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">';
const GPU = '"><svg onload="window.__pwned=3">';

// The extension stays idle (no managed policy): these tests need only the dashboard.
test.use({ extensionPolicy: null });

async function enrollFromNode(backend: Backend, userAgent: string): Promise<FakeDevice> {
  const exported = await backend.exportPolicy();
  const [settings] = Object.values(exported['3rdparty'].extensions) as { enrollmentToken: string }[];
  assert(settings);
  const device = await fakeDevice();
  const body = JSON.stringify(enrollRequest(device, settings.enrollmentToken, { userAgent }));
  const enrolled = await fetch(`${backend.url}/v1/enroll`, {
    method: 'POST',
    body,
    headers: await signedHeaders(device, body),
  });
  expect(enrolled.status).toBe(200);
  const batch = JSON.stringify(
    fakeBatch(device.id, [fakeHeartbeat({ fingerprint: fakeFingerprint({ webgl: { vendor: UA, renderer: GPU } }) })]),
  );
  const sent = await fetch(`${backend.url}/v1/signals`, {
    method: 'POST',
    body: batch,
    headers: await signedHeaders(device, batch),
  });
  expect(sent.status).toBe(200);
  return device;
}

async function expectNothingRan(page: Page, dialogs: string[]) {
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  await expect(page.locator('script:not([src])')).toHaveCount(0);
  await expect(page.locator('img[src="x"], svg[onload]')).toHaveCount(0);
  expect(dialogs).toEqual([]);
}

test('untrusted text from a device renders as text, and nothing in it runs', async ({ context, backend }) => {
  const device = await enrollFromNode(backend, UA);
  const dashboard = await DashboardPage.signIn(context, backend.url);
  const dialogs: string[] = [];
  dashboard.page.on('dialog', (d) => void (dialogs.push(d.message()), d.dismiss()));

  const response = await dashboard.page.goto(`${backend.url}/devices`);
  expect(response!.headers()['content-security-policy']).toContain("script-src 'self'");
  const row = dashboard.page.locator(`tr[data-device-id="${device.id}"]`);
  await expect(row.getByText(UA, { exact: true })).toBeVisible();
  await expect(row).toContainText(GPU);
  await expectNothingRan(dashboard.page, dialogs);

  await row.getByRole('link').first().click();
  await expect(dashboard.page.locator('#device-facts')).toContainText(UA);
  await expect(dashboard.page.locator('#fingerprint')).toContainText(`${UA} / ${GPU}`);
  await expectNothingRan(dashboard.page, dialogs);
});

test('every control is labelled, and the dashboard works from the keyboard alone', async ({ context, backend }) => {
  const device = await enrollFromNode(backend, 'Mozilla/5.0 (X11; Linux x86_64)');
  const page = await context.newPage();
  await page.goto(`${backend.url}/login`);

  // Sign in: the password field has focus, Enter submits.
  await expect(page.getByLabel('Password')).toBeFocused();
  await page.keyboard.type(ADMIN_PASSWORD);
  await page.keyboard.press('Enter');
  await page.waitForURL(`${backend.url}/`);

  // The first Tab reaches "Skip to content", which moves focus to the page's content.
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('#main')).toBeFocused();

  // Then the navigation, in order, and Enter follows a link.
  await page.goto(`${backend.url}/`);
  const order = ['Skip to content', 'Overview', 'Verdicts'];
  for (const name of order) {
    await page.keyboard.press('Tab');
    await expect(page.getByRole('link', { name, exact: true })).toBeFocused();
  }
  await page.keyboard.press('Enter');
  await page.waitForURL(`${backend.url}/verdicts`);

  // Filters: labelled, reachable by Tab, submitted with Enter.
  for (const label of ['Reason', 'User', 'Device', 'From (UTC)', 'To (UTC)'])
    await expect(page.getByLabel(label, { exact: true })).toBeVisible();
  await page.getByLabel('Reason').focus();
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('User')).toBeFocused();
  await page.keyboard.type('U0KEYBOARD');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/verdicts\?.*user=U0KEYBOARD/);
  await expect(page.getByText('No verdict matches these filters.')).toBeVisible();

  // Labels on the other pages' controls.
  await page.goto(`${backend.url}/findings`);
  for (const label of ['Mode', 'Outcome']) await expect(page.getByLabel(label, { exact: true })).toBeVisible();
  await page.goto(`${backend.url}/policy`);
  // The form's cards (issue #14), then the JSON behind its "Advanced" disclosure, opened with the keyboard.
  await expect(page.getByRole('group', { name: /Slack reached through a Tor exit node/ }).first()).toBeVisible();
  await page.locator('summary', { hasText: 'Advanced: the policy as JSON' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('Policy (JSON)')).toBeVisible();
  await page.goto(`${backend.url}/settings`);
  for (const label of ['Token label', 'Scope', 'Endpoint URL', 'Description', 'verdict.issued', 'finding.recorded']) {
    await expect(page.getByLabel(label, { exact: true })).toBeVisible();
  }
  await page.goto(`${backend.url}/audit`);
  await expect(page.getByLabel('Action')).toBeVisible();

  // Revoke a device with the keyboard: Tab to its button, Enter, confirm.
  await page.goto(`${backend.url}/devices`);
  page.once('dialog', (dialog) => void dialog.accept());
  const revoke = page.getByRole('button', { name: `Revoke device ${device.id}` });
  for (let i = 0; i < 30 && !(await revoke.evaluate((el) => el === document.activeElement)); i++)
    await page.keyboard.press('Tab');
  await expect(revoke).toBeFocused();
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/devices\?revoked=1/);
  await expect(page.locator(`tr[data-device-id="${device.id}"]`)).toContainText('revoked');
  const refused = await fetch(`${backend.url}/v1/signals`, {
    method: 'POST',
    body: '{}',
    headers: await signedHeaders(device, '{}'),
  });
  expect(refused.status).toBe(403);
});
