/**
 * Optional: the policy's `trustedCidrs` pushed to Slack's anomaly allow list
 * (`syncTrustedCidrsToSlack`, issue #7). `admin.audit.anomaly.allow.updateItem` replaces
 * the whole list, so each sync reads it (`getItem`), merges, and writes only when the
 * result differs. Entries someone else put there stay; a CIDR Session Guard added and the
 * policy later drops is taken out again. Slack's list is IPv4 only: IPv6 entries are
 * skipped and named in the status. Runs when the policy version changes, or to retry.
 */
import { getValue, setValue } from '../db/kv.repository';
import { currentPolicy } from '../policy/policy-store';
import { withToken } from './connection';
import type { SlackContext } from './context';
import { callMethod, SlackCallError } from './web-api';

export const ALLOW_LIST_KEY = 'slack_allow_list_sync';
const RETRY_MS = 5 * 60_000;

export interface AllowListState {
  policyVersion: number | null;
  lastSyncAt: number | null;
  lastError: string | null;
  /** CIDRs that were not on Slack's list until Session Guard added them. */
  pushed: string[];
  skipped: string[];
}

export const EMPTY_ALLOW_LIST_STATE: AllowListState = {
  policyVersion: null,
  lastSyncAt: null,
  lastError: null,
  pushed: [],
  skipped: [],
};

export interface Merge {
  next: string[];
  pushed: string[];
  changed: boolean;
}

/** The list to write: Slack's, less what we added and no longer want, plus what we want. */
export function mergeAllowList(
  current: readonly string[],
  wanted: readonly string[],
  pushedBefore: readonly string[],
): Merge {
  const dropped = new Set(pushedBefore.filter((c) => !wanted.includes(c)));
  const next = [...new Set([...current.filter((c) => !dropped.has(c)), ...wanted])];
  const pushed = [
    ...new Set([...pushedBefore.filter((c) => wanted.includes(c)), ...wanted.filter((c) => !current.includes(c))]),
  ];
  const changed = next.length !== current.length || next.some((c) => !current.includes(c));
  return { next, pushed, changed };
}

export const isIpv4Cidr = (cidr: string) => /^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(cidr);

export async function allowListState(sc: SlackContext): Promise<AllowListState> {
  const text = await getValue(sc.db, ALLOW_LIST_KEY);
  try {
    return text
      ? { ...EMPTY_ALLOW_LIST_STATE, ...(JSON.parse(text) as Partial<AllowListState>) }
      : EMPTY_ALLOW_LIST_STATE;
  } catch {
    return EMPTY_ALLOW_LIST_STATE;
  }
}

/** Syncs when due; returns the state after (unchanged when nothing was due). */
export async function syncAllowList(sc: SlackContext, force = false): Promise<AllowListState> {
  const now = sc.now();
  const active = await currentPolicy(sc.db, now);
  const state = await allowListState(sc);
  if (!active.policy.syncTrustedCidrsToSlack) return state;
  const due =
    force ||
    state.policyVersion !== active.version ||
    (state.lastError !== null && now - (state.lastSyncAt ?? 0) >= RETRY_MS);
  if (!due) return state;
  const wanted = active.policy.trustedCidrs.filter(isIpv4Cidr);
  const skipped = active.policy.trustedCidrs.filter((c) => !isIpv4Cidr(c));
  let next: AllowListState;
  try {
    const read = await withToken(sc, 'admin.audit.anomaly.allow.getItem', (token) =>
      callMethod(sc.endpoints, token, 'admin.audit.anomaly.allow.getItem'),
    );
    const current = Array.isArray(read.body.trusted_cidr)
      ? (read.body.trusted_cidr as unknown[]).filter((c): c is string => typeof c === 'string')
      : [];
    const asns = Array.isArray(read.body.trusted_asns) ? read.body.trusted_asns : [];
    const merge = mergeAllowList(current, wanted, state.pushed);
    if (merge.changed) {
      await withToken(sc, 'admin.audit.anomaly.allow.updateItem', (token) =>
        callMethod(sc.endpoints, token, 'admin.audit.anomaly.allow.updateItem', {
          trusted_cidr: merge.next,
          trusted_asns: asns,
        }),
      );
    }
    next = { policyVersion: active.version, lastSyncAt: now, lastError: null, pushed: merge.pushed, skipped };
    sc.log?.info({ changed: merge.changed, cidrs: merge.next.length }, 'slack allow list synced');
  } catch (error) {
    if (!(error instanceof SlackCallError)) throw error;
    next = { ...state, policyVersion: active.version, lastSyncAt: now, lastError: error.message, skipped };
    sc.log?.warn({ error: error.code }, 'slack allow list sync failed');
  }
  await setValue(sc.db, ALLOW_LIST_KEY, JSON.stringify(next), now);
  return next;
}
