/**
 * The asn detector's part of a batch's state (issue #14): the IP-to-ASN data set as the
 * engine saw it, and, for a verified user, their history of the batch's source AS (two
 * index lookups, db/user-asns.repository.ts). The detector stays pure; after it ran the
 * engine calls `recordUse` so the AS is known from the next batch on. Only the verified
 * user has a history: a device whose user is merely claimed neither reads nor writes one,
 * so a claim cannot teach another user's history an attacker's network.
 */
import type { AsnDataView } from '../asn/asn-data';
import type { Db } from '../db/schema';
import { loadAsnHistory, recordAsnUse } from '../db/user-asns.repository';
import type { AsnHistory } from './define-detector';

export interface AsnDataProvider {
  view?(now: number): AsnDataView | null;
}

export interface AsnState {
  asnData: AsnDataView | null;
  asnHistory: AsnHistory | null;
  /** Records the batch's AS in the verified user's history (nothing without one). */
  recordUse(): Promise<void>;
}

const NOTHING: AsnState = { asnData: null, asnHistory: null, recordUse: async () => {} };

export async function loadAsnState(
  db: Db,
  provider: AsnDataProvider | null | undefined,
  request: { enabled: boolean; verifiedUserId: string | null; sourceIp: string | null; now: number },
): Promise<AsnState> {
  const asnData = request.enabled ? (provider?.view?.(request.now) ?? null) : null;
  if (!asnData) return NOTHING;
  const record = request.sourceIp ? asnData.lookup(request.sourceIp) : null;
  const userId = request.verifiedUserId;
  if (!record || !userId) return { ...NOTHING, asnData };
  const { history, row } = await loadAsnHistory(db, userId, record.asn);
  return {
    asnData,
    asnHistory: history,
    recordUse: () => recordAsnUse(db, userId, record.asn, request.now, row),
  };
}
