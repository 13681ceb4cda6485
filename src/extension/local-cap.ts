/**
 * Local hard caps from managed policy (issue #4), as pure functions: which downloads fall
 * in the sliding window and whether they break a cap. "More than the cap" breaks it, as
 * the backend's excessive_downloads detector counts.
 */
import type { ManagedPolicy } from '@/src/shared/policy/managed-policy';

export const DEFAULT_LOCAL_WINDOW_SECONDS = 600;

export interface LocalCap {
  maxFiles: number | null;
  maxBytes: number | null;
  windowSeconds: number;
}

export interface WindowEntry {
  at: number;
  bytes: number;
}

export interface Breach {
  rule: 'localMaxFilesPerWindow' | 'localMaxBytesPerWindow';
  observed: number;
  limit: number;
  windowSeconds: number;
}

export function localCapFrom(policy: ManagedPolicy): LocalCap | null {
  const maxFiles = policy.localMaxFilesPerWindow ?? null;
  const maxBytes = policy.localMaxBytesPerWindow ?? null;
  if (maxFiles === null && maxBytes === null) return null;
  return { maxFiles, maxBytes, windowSeconds: policy.localWindowSeconds ?? DEFAULT_LOCAL_WINDOW_SECONDS };
}

/** The entries still inside the window ending at `now`. */
export function inWindow(entries: readonly WindowEntry[], cap: LocalCap, now: number): WindowEntry[] {
  const from = now - cap.windowSeconds * 1000;
  return entries.filter((e) => e.at > from && e.at <= now);
}

export function findBreach(entries: readonly WindowEntry[], cap: LocalCap, now: number): Breach | null {
  const live = inWindow(entries, cap, now);
  if (cap.maxFiles !== null && live.length > cap.maxFiles) {
    return {
      rule: 'localMaxFilesPerWindow',
      observed: live.length,
      limit: cap.maxFiles,
      windowSeconds: cap.windowSeconds,
    };
  }
  const bytes = live.reduce((sum, e) => sum + e.bytes, 0);
  if (cap.maxBytes !== null && bytes > cap.maxBytes) {
    return { rule: 'localMaxBytesPerWindow', observed: bytes, limit: cap.maxBytes, windowSeconds: cap.windowSeconds };
  }
  return null;
}
