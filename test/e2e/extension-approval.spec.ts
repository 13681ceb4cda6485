/**
 * Approval mode in real Chromium (issue #10): against a backend started with
 * `--enrollment-approval`, the extension enrolls as pending, its popup says it is waiting
 * for the administrator's approval and nothing it collects is stored; once an admin
 * approves it through the admin API, the extension's next calm retry enrolls it and the
 * popup says it is protected.
 */
import type { BrowserContext, Page } from '@playwright/test';
import { expect, test } from './harness/extension-fixtures';

async function openPopup(context: BrowserContext, extensionId: string): Promise<Page> {
  const popup = await context.newPage();
  await popup.goto(`chrome-extension://${extensionId}/popup.html`);
  return popup;
}

const row = (popup: Page, term: string) =>
  popup.locator('dt', { hasText: term }).locator('xpath=following-sibling::dd[1]');

test.use({
  backendOptions: { serveArgs: ['--enrollment-approval'] },
  // The pending retry follows the policy's check-in interval (30 s is its minimum).
  policyOverride: { pollIntervalSeconds: 30 },
});

test('waits calmly for the administrator’s approval, then protects once approved', async ({
  backend,
  context,
  extensionId,
  stored,
}) => {
  test.setTimeout(150_000);
  const popup = await openPopup(context, extensionId);

  await expect(popup.getByRole('status')).toHaveText(/^Waiting for your administrator's approval/, {
    timeout: 30_000,
  });
  await expect(row(popup, 'Server')).toHaveText(`${backend.url}: waiting for your administrator's approval`);
  const { devices } = await backend.api<{ devices: { id: string; approval: string }[] }>('/api/devices');
  expect(devices.map((d) => d.approval)).toEqual(['pending']);
  expect(stored()).toEqual([]);

  await backend.api(`/api/devices/${devices[0]!.id}/approve`, { method: 'POST', body: '{}' });

  await expect(popup.getByRole('status')).toHaveText(/^Protected/, { timeout: 90_000 });
  await expect.poll(() => stored().length, { timeout: 30_000 }).toBeGreaterThan(0);
});
