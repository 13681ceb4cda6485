/**
 * Slack file fetches made by the page itself (what the web client does for previews):
 * each one is a `download` signal with source `web_request`. A test gives each file its
 * own size, so the size names the signal and the backend's store can be tallied.
 */
import type { Page } from '@playwright/test';

export const sizeOf = (n: number) => 10_000 + n;

/** Fetches files `from`..`to` (inclusive), one after another; returns the sizes used. */
export async function fetchFiles(page: Page, from: number, to: number): Promise<number[]> {
  const sizes: number[] = [];
  for (let n = from; n <= to; n++) {
    const got = await page.evaluate(([file, bytes]) => (window as any).fetchFile(file, bytes), [n, sizeOf(n)] as const);
    if (got !== sizeOf(n)) throw new Error(`file ${n}: fetched ${got} bytes, expected ${sizeOf(n)}`);
    sizes.push(sizeOf(n));
  }
  return sizes;
}
