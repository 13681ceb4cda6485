/**
 * A page object for the fake Slack: sign in the way a person does, download files, and
 * read the session cookie as the browser holds it.
 */
import type { BrowserContext, Page } from '@playwright/test';
import type { FakeSlack } from '../../fakes/fake-slack';

export class SlackPage {
  page: Page | undefined;

  constructor(
    private readonly context: BrowserContext,
    readonly fake: FakeSlack,
  ) {}

  async signIn(): Promise<Page> {
    const page = this.page ?? (await this.context.newPage());
    this.page = page;
    await page.goto('https://slack.com/signin');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/app\.slack\.com\/client\//);
    return page;
  }

  async sessionCookie(): Promise<string | undefined> {
    const cookies = await this.context.cookies('https://app.slack.com/');
    return cookies.find((c) => c.name === 'd' && c.domain === '.slack.com')?.value;
  }

  /** Clicks file links 1..count and waits for each download to finish. */
  async downloadFiles(count: number): Promise<number> {
    const page = this.page!;
    for (let n = 1; n <= count; n++) {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click(`#file-${n}`)]);
      await download.path();
    }
    return Date.now();
  }
}
