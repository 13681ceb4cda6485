/**
 * The convention check for detectors (STYLE.md): every file in detectors/ is registered,
 * is named after its id and a reason code, carries its metadata, and has fixtures with at
 * least one positive and one negative case that behave as labelled; every reason code has
 * its detector; and `detect` is pure in the ways a test can see (no clock, evidence that
 * survives JSON, the same answer twice).
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_ORG_POLICY } from '../../src/shared/policy/org-policy';
import { SEVERITIES, type Detector } from '../../src/server/detection/define-detector';
import { DETECTORS } from '../../src/server/detection/registry';
import { AUDIT_LOG_REASON_CODES, REASON_CODES } from '../../src/shared/protocol/reason-codes';
import type { DetectorFixtures } from '../fixtures/detectors/fixture';

const DIR = fileURLToPath(new URL('../../src/server/detection/detectors/', import.meta.url));
const files = readdirSync(DIR).filter((f) => f.endsWith('.ts'));

describe('detector conventions', () => {
  afterEach(() => vi.restoreAllMocks());

  it('finds at least one detector file', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it('has a detector for every reason code, each registered once and backed by a file', () => {
    const ids = DETECTORS.map((d) => d.id);
    // Decided from Slack's audit log (src/server/slack/), not from device signals.
    const fromSignals = REASON_CODES.filter((r) => !(AUDIT_LOG_REASON_CODES as readonly string[]).includes(r));

    expect([...ids].sort()).toEqual([...fromSignals].sort());
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.map((id) => `${id}.ts`).sort()).toEqual([...files].sort());
  });

  describe.each(files.map((f) => [f.replace(/\.ts$/, '')]))('%s', (name) => {
    it('is registered, named after its id, and its id is a reason code', async () => {
      const detector = ((await import(`${DIR}${name}.ts`)) as { default: Detector }).default;

      expect(DETECTORS).toContain(detector);
      expect(detector.id).toBe(name);
      expect(REASON_CODES).toContain(detector.id);
    });

    it('carries its metadata', async () => {
      const detector = ((await import(`${DIR}${name}.ts`)) as { default: Detector }).default;

      expect(detector.title.length).toBeGreaterThan(5);
      expect(SEVERITIES).toContain(detector.severity);
      expect(detector.attack.length).toBeGreaterThan(0);
      for (const id of detector.attack) expect(id).toMatch(/^T\d{4}(\.\d{3})?$/);
      expect(detector.runbook.length).toBeGreaterThan(20);
    });

    it('has a positive and a negative fixture that behave as labelled', async () => {
      const detector = ((await import(`${DIR}${name}.ts`)) as { default: Detector }).default;
      const { fixtures } = (await import(`../fixtures/detectors/${name}.ts`)) as { fixtures: DetectorFixtures };

      expect(fixtures.positive.length).toBeGreaterThan(0);
      expect(fixtures.negative.length).toBeGreaterThan(0);
      for (const f of fixtures.positive) expect(detector.detect(f.state, f.event, f.policy), f.name).not.toBeNull();
      for (const f of fixtures.negative) expect(detector.detect(f.state, f.event, f.policy), f.name).toBeNull();
      const names = [...fixtures.positive, ...fixtures.negative].map((f) => f.name);
      expect(new Set(names).size, 'fixture names are unique').toBe(names.length);
    });

    it('reads no clock, returns JSON-safe evidence, and answers the same twice', async () => {
      const detector = ((await import(`${DIR}${name}.ts`)) as { default: Detector }).default;
      const { fixtures } = (await import(`../fixtures/detectors/${name}.ts`)) as { fixtures: DetectorFixtures };
      const clock = () => {
        throw new Error(`${name}.detect read the clock`);
      };
      vi.spyOn(Date, 'now').mockImplementation(clock);
      vi.spyOn(performance, 'now').mockImplementation(clock);

      for (const f of [...fixtures.positive, ...fixtures.negative]) {
        const first = detector.detect(f.state, f.event, f.policy);
        expect(detector.detect(f.state, f.event, f.policy), f.name).toEqual(first);
        if (first) expect(JSON.parse(JSON.stringify(first.evidence)), f.name).toEqual(first.evidence);
        if (first) expect(first.summary.length, f.name).toBeGreaterThan(10);
      }
      expect(Number.isFinite(detector.lookbackMs(DEFAULT_ORG_POLICY))).toBe(true);
      expect(detector.lookbackMs(DEFAULT_ORG_POLICY)).toBeGreaterThanOrEqual(0);
    });
  });
});
