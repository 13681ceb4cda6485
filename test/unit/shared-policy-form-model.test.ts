/**
 * The policy form's model (issue #14): a card for every detector and every Slack anomaly
 * in the schema, with words for each (a convention check, so a new detector or threshold
 * cannot reach the form without its sentence, label and unit), and the types, defaults
 * and limits read from the zod schema rather than written twice.
 */
import { describe, expect, it } from 'vitest';
import { DETECTORS } from '../../src/server/detection/registry';
import { OrgPolicy, SLACK_ANOMALY_REASONS } from '../../src/shared/policy/org-policy';
import { fieldForIssue, fieldHint, policyFormCards } from '../../src/shared/policy/policy-form-model';
import { DETECTOR_WORDS } from '../../src/shared/policy/rule-catalog';

const cards = policyFormCards();
const COMMON = ['enabled', 'action', 'excludedUsers', 'excludedGroups'];

describe('policy form model', () => {
  it('has one card for every detector and every one of the 18 Slack anomalies, in the schema', () => {
    const detectorIds = Object.keys(OrgPolicy.shape.detectors.unwrap().shape);

    expect(cards.filter((c) => c.group === 'detectors').map((c) => c.id)).toEqual(detectorIds);
    expect(cards.filter((c) => c.group === 'slackAnomalies').map((c) => c.id)).toEqual([...SLACK_ANOMALY_REASONS]);
    expect(SLACK_ANOMALY_REASONS).toHaveLength(18);
  });

  it('says in a sentence what each rule catches, and names each threshold with its unit', () => {
    for (const card of cards) {
      expect(card.catches, card.path).toMatch(/^[A-Z"].{20,}\.$/);
      for (const field of card.fields.filter((f) => !COMMON.includes(f.key))) {
        expect(field.label, field.path).not.toBe(field.key);
        if (field.kind === 'integer') expect(field.unit, field.path).toBeTruthy();
      }
    }
  });

  it('titles each detector card as its detector is titled', () => {
    for (const detector of DETECTORS)
      expect(DETECTOR_WORDS[detector.id as keyof typeof DETECTOR_WORDS]?.title).toBe(detector.title);
  });

  it('takes kinds, defaults and limits from the schema', () => {
    const downloads = cards.find((c) => c.path === 'detectors.excessive_downloads')!;
    const window = downloads.fields.find((f) => f.key === 'windowSeconds')!;
    const files = downloads.fields.find((f) => f.key === 'maxFiles')!;
    const tor = cards.find((c) => c.path === 'detectors.tor')!;
    const slackTor = cards.find((c) => c.path === 'slackAnomalies.tor')!;

    expect(downloads.fields.map((f) => f.key)).toEqual([
      'enabled',
      'action',
      'maxBytes',
      'maxFiles',
      'windowSeconds',
      'excludedUsers',
      'excludedGroups',
    ]);
    expect(window).toMatchObject({ kind: 'integer', default: 600, minimum: 10, maximum: 86_400, unit: 'seconds' });
    expect(fieldHint(window)).toBe(
      'A whole number from 10 to 86400 (seconds). Default: 600 seconds. Empty means the default.',
    );
    expect(files).toMatchObject({ kind: 'integer', default: 200, minimum: 1 });
    expect(files.maximum).toBeUndefined();
    expect(tor.fields.map((f) => [f.key, f.kind, f.default])).toEqual([
      ['enabled', 'boolean', true],
      ['action', 'enum', 'terminate'],
      ['excludedUsers', 'list', []],
      ['excludedGroups', 'list', []],
    ]);
    expect(slackTor.fields.map((f) => f.key)).toEqual(['action', 'excludedUsers', 'excludedGroups']);
    expect(slackTor.fields[0]).toMatchObject({ default: 'alert', options: ['alert', 'terminate'] });
  });

  it('places an issue beside the field its path names, or else beside its card', () => {
    expect(fieldForIssue(cards, 'detectors.excessive_downloads.windowSeconds')).toBe(
      'detectors.excessive_downloads.windowSeconds',
    );
    expect(fieldForIssue(cards, 'detectors.tor.excludedGroups.1')).toBe('detectors.tor.excludedGroups');
    expect(fieldForIssue(cards, 'detectors.tor')).toBe('detectors.tor');
    expect(fieldForIssue(cards, 'cooldownSeconds')).toBeNull();
  });
});
