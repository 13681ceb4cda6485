import { describe, expect, it } from 'vitest';
import { BASELINE_CEILING, downloadLimits } from '../../src/server/detection/detectors/excessive_downloads';
import { OrgPolicy } from '../../src/shared/policy/org-policy';

const POLICY = OrgPolicy.parse({ detectors: { excessive_downloads: { maxFiles: 200, maxBytes: 500_000_000 } } });
const day = (files: number, bytes: number, activeDays = 10) => ({
  activeDays,
  maxDailyFiles: files,
  maxDailyBytes: bytes,
});

describe("a user's download baseline", () => {
  it('leaves the org limits as they are without history', () => {
    expect(downloadLimits(POLICY, null)).toEqual({ maxFiles: 200, maxBytes: 500_000_000, basis: 'org' });
  });

  it('needs three days of history before it counts', () => {
    expect(downloadLimits(POLICY, day(350, 900_000_000, 2))).toMatchObject({ maxFiles: 200, basis: 'org' });
    expect(downloadLimits(POLICY, day(350, 900_000_000, 3))).toMatchObject({
      maxFiles: 350,
      maxBytes: 900_000_000,
      basis: 'baseline',
    });
  });

  it('only ever raises a limit: a light user keeps the org threshold', () => {
    expect(downloadLimits(POLICY, day(12, 40_000_000))).toEqual({ maxFiles: 200, maxBytes: 500_000_000, basis: 'org' });
  });

  it('raises each limit on its own, up to its busiest day', () => {
    expect(downloadLimits(POLICY, day(320, 100_000_000))).toEqual({
      maxFiles: 320,
      maxBytes: 500_000_000,
      basis: 'baseline',
    });
  });

  it(`never lifts a limit past ${BASELINE_CEILING}\u00d7 the org threshold`, () => {
    expect(downloadLimits(POLICY, day(100_000, 1e13))).toEqual({
      maxFiles: 800,
      maxBytes: 2_000_000_000,
      basis: 'baseline',
    });
  });
});
