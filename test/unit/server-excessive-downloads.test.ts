import { assert, describe, expect, it } from 'vitest';
import detector from '../../src/server/detection/detectors/excessive_downloads';
import { fakeDownload } from '../fixtures/server/fake-signals';
import { fixtures, POLICY } from '../fixtures/detectors/excessive_downloads';
import { fakeEvent, fakeState } from '../fixtures/detectors/state';

describe('excessive_downloads', () => {
  it.each(fixtures.positive.map((f) => [f.name, f] as const))('fires: %s', (_name, f) => {
    const detection = detector.detect(f.state, f.event, f.policy);

    expect(detection).not.toBeNull();
    expect(detection!.evidence).toMatchObject({ windowSeconds: 60, maxFiles: 3, maxBytes: 10_000 });
  });

  it.each(fixtures.negative.map((f) => [f.name, f] as const))('stays quiet: %s', (_name, f) => {
    expect(detector.detect(f.state, f.event, f.policy)).toBeNull();
  });

  it('reports counts, bytes and which limit was exceeded', () => {
    const at = 1_700_000_000_000;
    const downloads = [1, 2, 3].map((i) => ({ id: `d${i}`, at: at - i * 1000, bytes: 5000 }));
    const event = fakeEvent(fakeDownload({ at, bytes: 5000 }));

    const detection = detector.detect(fakeState({ downloads }), event, POLICY);

    expect(detection?.evidence).toMatchObject({ files: 4, bytes: 20_000, exceeded: ['files', 'bytes'] });
    expect(detection?.summary).toContain('4 files');
  });

  it('counts the event itself once when the state already holds it', () => {
    const at = 1_700_000_000_000;
    const signal = fakeDownload({ at, bytes: 100 });
    const downloads = [
      { id: 'a', at: at - 2000, bytes: 100 },
      { id: 'b', at: at - 1000, bytes: 100 },
      { id: signal.id, at, bytes: 100 },
    ];

    const detection = detector.detect(fakeState({ downloads }), fakeEvent(signal), POLICY);

    expect(detection).toBeNull();
  });

  it('uses no clock of its own: the same input gives the same answer at any time', () => {
    const f = fixtures.positive[0];
    assert(f);

    const first = detector.detect(f.state, f.event, f.policy);
    const second = detector.detect(f.state, f.event, f.policy);

    expect(second).toEqual(first);
  });
});
