/**
 * The fake Slack in a Firefox tab: sign in as a person does, download files, read the
 * session cookie as Firefox holds it (puppeteer's cookies over BiDi's storage module).
 */
import type { Browser, Page } from 'puppeteer-core';
import type { FakeSlack } from '../../fakes/fake-slack';

export async function signIn(browser: Browser): Promise<Page> {
  const page = await browser.newPage();
  await page.goto('https://slack.com/signin');
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  if (!page.url().startsWith('https://app.slack.com/client/')) await page.waitForNavigation();
  return page;
}

export async function sessionCookie(page: Page): Promise<string | undefined> {
  const cookies = await page.cookies('https://app.slack.com/');
  return cookies.find((c) => c.name === 'd')?.value;
}

/** Clicks file links 1..count, each once the fake Slack has served the one before. */
export async function downloadFiles(page: Page, fake: FakeSlack, count: number): Promise<number> {
  const served = () => fake.requests.filter((r) => r.path.includes('/download/')).length;
  const before = served();
  for (let n = 1; n <= count; n++) {
    await page.click(`#file-${n}`);
    const deadline = Date.now() + 10_000;
    while (served() < before + n) {
      if (Date.now() > deadline) throw new Error(`file ${n} was never fetched`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return Date.now();
}
