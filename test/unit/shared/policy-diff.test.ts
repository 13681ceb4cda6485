import { describe, expect, it } from 'vitest';
import { changedPaths, lineDiff, prettyJson } from '../../../src/shared/policy/policy-diff';

describe('policy diff', () => {
  it('diffs lines like git diff and names the changed paths', () => {
    const before = { mode: 'enforce', detectors: { tor: { enabled: true } }, excludedUsers: [] };
    const after = { mode: 'monitor', detectors: { tor: { enabled: true } }, excludedUsers: ['U1'] };

    const diff = lineDiff('a\nb\nc', 'a\nB\nc\nd');

    expect(diff).toEqual([
      { op: 'same', text: 'a' },
      { op: 'remove', text: 'b' },
      { op: 'add', text: 'B' },
      { op: 'same', text: 'c' },
      { op: 'add', text: 'd' },
    ]);
    expect(changedPaths(before, after)).toEqual(['excludedUsers', 'mode']);
    expect(changedPaths(before, before)).toEqual([]);
  });

  it('keeps every line of both documents, in order, when one side runs out first', () => {
    const before = prettyJson({ mode: 'enforce', cooldownSeconds: 300, trustedCidrs: ['10.0.0.0/8'] });
    const after = prettyJson({ mode: 'enforce' });

    const diff = lineDiff(before, after);

    expect(diff.filter((l) => l.op !== 'add').map((l) => l.text)).toEqual(before.split('\n'));
    expect(diff.filter((l) => l.op !== 'remove').map((l) => l.text)).toEqual(after.split('\n'));
    expect(diff.filter((l) => l.op === 'remove').map((l) => l.text.trim())).toEqual([
      '"mode": "enforce",',
      '"cooldownSeconds": 300,',
      '"trustedCidrs": [',
      '"10.0.0.0/8"',
      ']',
    ]);
  });

  it('names a nested change by its dotted path and a whole-document change as (document)', () => {
    expect(changedPaths({ detectors: { tor: { enabled: true } } }, { detectors: { tor: { enabled: false } } })).toEqual(
      ['detectors.tor.enabled'],
    );
    expect(changedPaths(null, { mode: 'enforce' })).toEqual(['(document)']);
  });
});
