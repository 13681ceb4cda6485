import { describe, expect, it } from 'vitest';
import {
  browserFamily,
  fingerprintDistance,
  gpuIdentity,
  MISMATCH_SCORE,
  osFamily,
  WEIGHTS,
} from '../../src/server/detection/fingerprint-distance';
import type { ClientFingerprint } from '../../src/shared/protocol/signals';
import { LINUX_LAPTOP, WINDOWS_PC } from '../fixtures/detectors/state';

const laptop = (changes: Partial<ClientFingerprint>): ClientFingerprint => ({ ...LINUX_LAPTOP, ...changes });

describe('fingerprint distance', () => {
  it('is zero for the same fingerprint', () => {
    expect(fingerprintDistance(LINUX_LAPTOP, LINUX_LAPTOP)).toEqual({ score: 0, mismatch: false, differences: [] });
  });

  it('ignores a browser update, an OS update and a new monitor, all at once', () => {
    const updated = laptop({
      userAgent: LINUX_LAPTOP.userAgent.replace('Chrome/156.0.0.0', 'Chrome/158.0.0.0'),
      browserVersion: 'Chromium 158.0.8200.4',
      platformVersion: '6.12.1',
      screen: { width: 5120, height: 1440, colorDepth: 30, pixelRatio: 1.5 },
    });

    expect(fingerprintDistance(LINUX_LAPTOP, updated).score).toBe(0);
  });

  it.each([
    ['os', laptop({ userAgent: WINDOWS_PC.userAgent, platform: 'Windows' })],
    ['architecture', laptop({ architecture: 'arm' })],
    ['gpu', laptop({ webgl: WINDOWS_PC.webgl })],
    ['mobile', laptop({ mobile: true })],
  ] as const)('counts a different %s as a mismatch on its own', (component, seen) => {
    const distance = fingerprintDistance(LINUX_LAPTOP, seen);

    expect(distance.mismatch).toBe(true);
    expect(distance.differences.map((d) => d.component)).toEqual([component]);
  });

  it('counts another device model, when both sides name one', () => {
    const phone = laptop({ mobile: true, model: 'SM-S918B' });

    expect(fingerprintDistance(phone, { ...phone, model: 'Pixel 9' }).differences.map((d) => d.component)).toEqual([
      'model',
    ]);
    expect(fingerprintDistance(phone, { ...phone, model: 'Pixel 9' }).mismatch).toBe(true);
    expect(fingerprintDistance(LINUX_LAPTOP, laptop({ model: '' })).score).toBe(0);
  });

  it('needs the time zone and the language set to change together', () => {
    const travelling = fingerprintDistance(LINUX_LAPTOP, laptop({ timezone: 'Asia/Tokyo' }));
    const newLanguage = fingerprintDistance(LINUX_LAPTOP, laptop({ languages: ['en-GB', 'en', 'ja'] }));
    const both = fingerprintDistance(LINUX_LAPTOP, laptop({ timezone: 'Asia/Tokyo', languages: ['ja-JP', 'ja'] }));

    expect(travelling).toMatchObject({ score: WEIGHTS.timezone, mismatch: false });
    expect(newLanguage).toMatchObject({ score: WEIGHTS.languages, mismatch: false });
    expect(both).toMatchObject({ score: MISMATCH_SCORE, mismatch: true });
  });

  it('compares languages as a set, so reordering them is no change', () => {
    expect(fingerprintDistance(LINUX_LAPTOP, laptop({ languages: ['en', 'en-GB'] })).score).toBe(0);
  });

  it('skips what either side could not read', () => {
    const blind = laptop({
      webgl: null,
      architecture: null,
      bitness: null,
      mobile: null,
      hardwareConcurrency: null,
      deviceMemory: null,
      platform: 'unknown',
    });

    expect(fingerprintDistance(LINUX_LAPTOP, blind).score).toBe(0);
  });

  it('adds small differences without reaching a mismatch: a resized VM', () => {
    const distance = fingerprintDistance(LINUX_LAPTOP, laptop({ hardwareConcurrency: 4, deviceMemory: 4 }));

    expect(distance).toMatchObject({ score: 0.5, mismatch: false });
  });

  it('sees a thief\u2019s machine as far away, naming every component', () => {
    const distance = fingerprintDistance(LINUX_LAPTOP, WINDOWS_PC);

    expect(distance.mismatch).toBe(true);
    expect(distance.differences.map((d) => d.component)).toEqual([
      'os',
      'gpu',
      'timezone',
      'languages',
      'hardwareConcurrency',
    ]);
    expect(distance.differences[0]).toMatchObject({ bound: 'linux', seen: 'windows' });
  });
});

describe('fingerprint components', () => {
  it.each([
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64)', 'windows'],
    ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)', 'macos'],
    ['Mozilla/5.0 (X11; Linux x86_64)', 'linux'],
    ['Mozilla/5.0 (X11; CrOS x86_64 14541.0.0)', 'chromeos'],
    ['Mozilla/5.0 (Linux; Android 14; Pixel 8)', 'android'],
    ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)', 'ios'],
    ['macOS', 'macos'],
    ['Linux x86_64', 'linux'],
    ['', null],
  ])('names the OS of %s', (text, family) => {
    expect(osFamily(text)).toBe(family);
  });

  it('names the browser, with headless Chromium as Chrome', () => {
    expect(
      browserFamily(
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36',
      ),
    ).toBe('chrome');
    expect(
      browserFamily('Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 Chrome/156.0.0.0 Safari/537.36 Edg/156.0.0.0'),
    ).toBe('edge');
    expect(browserFamily('Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0')).toBe('firefox');
  });

  it('reads the GPU without its driver version', () => {
    const before = gpuIdentity({
      vendor: 'Google Inc. (NVIDIA)',
      renderer: 'ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11 vs_5_0 ps_5_0, D3D11-31.0.15.3623)',
    });
    const after = gpuIdentity({
      vendor: 'Google Inc. (NVIDIA)',
      renderer: 'ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11 vs_5_0 ps_5_0, D3D11-32.0.15.6094)',
    });

    expect(after).toBe(before);
    expect(before).toContain('geforce rtx 3060');
  });
});
