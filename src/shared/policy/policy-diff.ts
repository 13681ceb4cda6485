/**
 * What changed between two policy documents, for the editor's review step and the
 * version history: a line diff of their pretty-printed JSON (LCS, so a reviewer reads it
 * like `git diff`), and the dotted paths whose values differ. Domain logic shared by the
 * server's policy actions and any view that wants to diff a draft (no DOM, no Node).
 */
import type { DiffLine } from '../protocol/admin';

export const prettyJson = (value: unknown) => JSON.stringify(value, null, 2);

/** Line diff by longest common subsequence; fine for documents of a few hundred lines. */
export function lineDiff(before: string, after: string): DiffLine[] {
  const a = before.split('\n');
  const b = after.split('\n');
  const width = b.length + 1;
  // lcs[i * width + j]: the longest common subsequence of a[i..] and b[j..] (a flat table,
  // zero past either end, so every index read below is in bounds).
  const lcs = new Array<number>((a.length + 1) * width).fill(0);
  const at = (i: number, j: number) => lcs[i * width + j] ?? 0;
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * width + j] = a[i] === b[j] ? at(i + 1, j + 1) + 1 : Math.max(at(i + 1, j), at(i, j + 1));
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const left = a[i] ?? '';
    const right = b[j] ?? '';
    if (left === right) {
      out.push({ op: 'same', text: left });
      i++;
      j++;
    } else if (at(i + 1, j) >= at(i, j + 1)) {
      out.push({ op: 'remove', text: left });
      i++;
    } else {
      out.push({ op: 'add', text: right });
      j++;
    }
  }
  for (const text of a.slice(i)) out.push({ op: 'remove', text });
  for (const text of b.slice(j)) out.push({ op: 'add', text });
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Dotted paths whose values differ (`detectors.tor.enabled`); arrays compare whole. */
export function changedPaths(before: unknown, after: unknown, prefix = ''): string[] {
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => changedPaths(before[k], after[k], prefix ? `${prefix}.${k}` : k));
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [prefix || '(document)'];
}
