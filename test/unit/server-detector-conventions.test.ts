/**
 * The convention check for detectors (STYLE.md): every file in detectors/ is registered,
 * is named after its id and a reason code, carries its metadata, and has fixtures with at
 * least one positive and one negative case that behave as labelled.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SEVERITIES, type Detector } from '../../src/server/detection/define-detector';
import { DETECTORS } from '../../src/server/detection/registry';
import { REASON_CODES } from '../../src/shared/protocol/reason-codes';
import type { DetectorFixtures } from '../fixtures/detectors/fixture';

const DIR = fileURLToPath(new URL('../../src/server/detection/detectors/', import.meta.url));
const files = readdirSync(DIR).filter((f) => f.endsWith('.ts'));

describe('detector conventions', () => {
  it('finds at least one detector file', () => {
    expect(files.length).toBeGreaterThan(0);
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
    });
  });
});
