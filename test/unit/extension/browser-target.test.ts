import { describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { pageComponents } from '@/src/extension/fingerprint/fingerprint-source';
import { policySourceText, readPolicy } from '@/src/extension/policy-source';

// Runs in both builds: `vitest run` (Chromium) and the Firefox config (docs/firefox.md).
describe(`built for ${import.meta.env.BROWSER ?? 'chrome'}`, () => {
  it('names where the managed policy comes from on this browser', () => {
    const text = policySourceText();

    expect(text).toContain(import.meta.env.FIREFOX ? 'Firefox enterprise policy' : 'chrome.storage.managed');
  });

  it("reads Firefox's refusal when no enterprise policy names the extension as a missing policy", async () => {
    fakeBrowser.reset();
    vi.spyOn(fakeBrowser.storage.managed, 'get').mockRejectedValueOnce(new Error('Managed storage manifest not found'));

    expect(await readPolicy()).toEqual(
      import.meta.env.FIREFOX
        ? { status: 'missing' }
        : {
            status: 'invalid',
            problems: ['managed storage is unavailable: Error: Managed storage manifest not found'],
          },
    );
  });

  it('reads no page components where there is neither a DOM nor an offscreen API', async () => {
    fakeBrowser.reset();

    expect(await pageComponents()).toEqual({ screen: null, webgl: null });
  });
});
