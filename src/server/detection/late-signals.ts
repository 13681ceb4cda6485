/**
 * Back-dated downloads (issue #10). A device chooses each signal's `at`; an offline laptop
 * honestly sends old ones (up to MAX_SIGNAL_AGE_MS, shared/protocol/signals.ts), and they are
 * stored and detected on. But a download whose `at` predates the device's previous report
 * of downloads (by more than the outbox's reordering allowance) is marked late, and late
 * signals never count into a baseline: otherwise anyone could raise a user's "normal" by
 * reporting yesterday's downloads today.
 */
import type { SignalRow } from '../db/signals.repository';
import type { Db } from '../db/schema';

/** The outbox sends urgent signals first, so reports may arrive a little out of order. */
export const LATE_TOLERANCE_MS = 10 * 60_000;

/** Marks rows late in place; one indexed read, only for batches holding downloads. */
export async function markLateDownloads(db: Db, deviceId: string, rows: SignalRow[]): Promise<void> {
  if (!rows.some((r) => r.type === 'download')) return;
  const previous = await db
    .selectFrom('signals')
    .select((eb) => eb.fn.max('at').as('at'))
    .where('device_id', '=', deviceId)
    .where('type', '=', 'download')
    .executeTakeFirst();
  if (previous?.at === null || previous?.at === undefined) return;
  const cutoff = Number(previous.at) - LATE_TOLERANCE_MS;
  for (const row of rows) if (row.type === 'download' && row.at < cutoff) row.late = 1;
}
