/**
 * A page object for the dashboard (issue #5): sign in through the form the way an admin
 * does (the field labelled "Password", the button "Sign in"), move between pages, and
 * read the verdict table that the live feed fills.
 */
import type { BrowserContext, Locator, Page } from '@playwright/test';
import { ADMIN_PASSWORD } from './backend';

export class DashboardPage {
  private constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {}

  static async signIn(context: BrowserContext, baseUrl: string): Promise<DashboardPage> {
    const page = await context.newPage();
    await page.goto(`${baseUrl}/login`);
    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${baseUrl}/`);
    return new DashboardPage(page, baseUrl);
  }

  async open(path: string): Promise<void> {
    await this.page.goto(`${this.baseUrl}${path}`);
  }

  nav(name: string): Locator {
    return this.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
  }

  verdictRows(): Locator {
    return this.page.locator('#verdicts tbody tr');
  }

  /** Marks the document so a test can tell whether the page was reloaded since. */
  async markDocument(): Promise<void> {
    await this.page.evaluate(() => ((window as unknown as { __sgMark: number }).__sgMark = 1));
  }

  async documentMarked(): Promise<boolean> {
    return this.page.evaluate(() => (window as unknown as { __sgMark?: number }).__sgMark === 1);
  }
}
