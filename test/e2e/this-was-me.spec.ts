/**
 * "This was me" in real Chromium (issue #14): a verdict ends the session, the Slack tab
 * lands on the extension's page, which shows the real reason in plain words (which
 * anomaly, when, from which browser and address, as the backend explains it to this
 * device only), and the user answers "this was me" or, in the twin, "this was not me". The
 * answer, signed by the device, reaches the dashboard: on the verdict's page and in the
 * per-detector count, where "me" is the false-positive signal and "not me" the confirmed one.
 */
import { DashboardPage } from './harness/dashboard-page';
import { devicesEnrolled, sessionEnded } from './harness/detection';
import { expect, test } from './harness/fixtures';

const FILES_THRESHOLD = 3;
test.use({
  orgPolicy: {
    mode: 'enforce',
    detectors: { excessive_downloads: { maxFiles: FILES_THRESHOLD, maxBytes: 500_000_000, windowSeconds: 600 } },
  },
});

const ANSWERS = [
  { button: 'This was me', answer: 'me', other: 'This was not me' },
  { button: 'This was not me', answer: 'not_me', other: 'This was me' },
] as const;

for (const { button, answer, other } of ANSWERS) {
  test(`the user reads why the session ended and answers "${button.toLowerCase()}"; the dashboard shows it`, async ({
    context,
    slack,
    backend,
    extensionId,
  }) => {
    const page = await slack.signIn();
    await devicesEnrolled(backend);

    await slack.downloadFiles(FILES_THRESHOLD + 1);
    await sessionEnded(context);

    await expect(page).toHaveURL(new RegExp(`^chrome-extension://${extensionId}/terminated\\.html\\?verdict=`));
    const [verdict] = (await backend.api('/api/verdicts')).verdicts;
    expect(new URL(page.url()).searchParams.get('verdict')).toBe(verdict.id);
    await expect(page.getByRole('heading', { name: 'What Session Guard saw' })).toBeVisible();
    await expect(page.locator('#detail-anomaly')).toHaveText(
      'an unusually large number of Slack files was downloaded (excessive_downloads)',
    );
    await expect(page.locator('#detail-where')).toHaveText(
      /^This browser \(Chrome \d+ on Linux\) at the address 127\.0\.0\.1\.$/,
    );
    await expect(page.locator('#detail-what')).toHaveText(/^4 files, \d+ bytes downloaded in 600 s/);
    await expect(page.locator('#detail-when')).not.toBeEmpty();

    await page.getByRole('button', { name: button, exact: true }).click();

    await expect(page.locator('#verdict-answer .answered')).toContainText(`You answered “${button}”`);
    await expect(page.getByRole('button', { name: other, exact: true })).toHaveCount(0);
    const detail = await backend.api(`/api/verdicts/${verdict.id}`);
    expect(detail.verdict.answer).toMatchObject({ answer });

    const dashboard = await DashboardPage.signIn(context, backend.url);
    await dashboard.open(`/verdicts/${verdict.id}`);
    await expect(dashboard.page.locator(`#user-answer [data-answer="${answer}"]`)).toHaveText(button);
    await dashboard.open('/findings');
    const row = dashboard.page.locator('#answer-counts tr[data-reason="excessive_downloads"]');
    await expect(row.locator('[data-count="me"]')).toHaveText(answer === 'me' ? '1' : '0');
    await expect(row.locator('[data-count="not_me"]')).toHaveText(answer === 'not_me' ? '1' : '0');
    await expect(row.locator('[data-count="unanswered"]')).toHaveText('0');
  });
}
