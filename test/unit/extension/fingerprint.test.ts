import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { collectFingerprint, fingerprintSource } from '@/src/extension/fingerprint/fingerprint-source';
import { browserVersion, readWorkerComponents } from '@/src/extension/fingerprint/worker-components';
import { ClientFingerprint } from '@/src/shared/protocol';
import { fakeNavigator } from './fakes';

const page = async () => ({
  screen: { width: 1920, height: 1080, colorDepth: 24, pixelRatio: 2 },
  webgl: { vendor: 'Intel', renderer: 'Mesa Intel(R) UHD' },
});

describe('client fingerprint', () => {
  beforeEach(() => fakeBrowser.reset());

  it('reads high-entropy client hints, CPU, memory, languages and time zone', async () => {
    const parts = await readWorkerComponents(fakeNavigator(), 'Europe/Paris');

    expect(parts).toMatchObject({
      browserVersion: 'Chromium 156.0.8078.79',
      platform: 'Linux',
      platformVersion: '6.1.0',
      architecture: 'x86',
      bitness: '64',
      hardwareConcurrency: 8,
      deviceMemory: 8,
      languages: ['en-GB', 'en'],
      timezone: 'Europe/Paris',
    });
  });

  it('leaves client-hint fields empty where the browser has none (Firefox)', async () => {
    const parts = await readWorkerComponents(
      fakeNavigator({ userAgentData: undefined, deviceMemory: undefined }),
      'UTC',
    );

    expect(parts.browserVersion).toBeNull();
    expect(parts.architecture).toBeNull();
    expect(parts.deviceMemory).toBeNull();
    expect(parts.platform).toBe('Linux x86_64');
  });

  it('skips GREASE brands when naming the browser version', () => {
    expect(
      browserVersion([
        { brand: ')Not;A=Brand', version: '99' },
        { brand: 'Google Chrome', version: '156.0.1' },
      ]),
    ).toBe('Google Chrome 156.0.1');
    expect(browserVersion([{ brand: 'Not_A Brand', version: '8' }])).toBeNull();
  });

  it('combines worker and page components into one valid fingerprint', async () => {
    const fingerprint = await collectFingerprint(page, fakeNavigator());

    expect(ClientFingerprint.parse(fingerprint)).toEqual(fingerprint);
    expect(fingerprint.webgl?.renderer).toContain('Mesa');
  });

  it('differs when user agent, languages or time zone differ, and only then', async () => {
    const a = await collectFingerprint(page, fakeNavigator());
    const same = await collectFingerprint(page, fakeNavigator());
    const other = await collectFingerprint(page, fakeNavigator({ userAgent: 'Other/1.0', languages: ['fr-FR'] }));

    expect(same).toEqual(a);
    expect(other).not.toEqual(a);
  });

  it('is gathered once a browser session and shared by concurrent callers', async () => {
    const collect = vi.fn(() => collectFingerprint(page, fakeNavigator()));
    const source = fingerprintSource(collect);

    const [one, two] = await Promise.all([source.get(), source.get()]);
    const afterWorkerRestart = await fingerprintSource(collect).get();

    expect(collect).toHaveBeenCalledTimes(1);
    expect(two).toEqual(one);
    expect(afterWorkerRestart).toEqual(one);
  });
});
