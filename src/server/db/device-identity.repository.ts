/**
 * The Slack user behind a device (issue #4), from the `slack_identity` signals its
 * content script reports: the device row names the user, so verdicts and the dashboard
 * can. The team id stays in the stored signal.
 */
import type { Signal } from '../../shared/protocol/signals';
import type { Db } from './schema';

export async function recordSlackIdentity(db: Db, deviceId: string, signals: readonly Signal[]): Promise<void> {
  let latest: Extract<Signal, { type: 'slack_identity' }> | undefined;
  for (const s of signals) if (s.type === 'slack_identity' && (!latest || s.at >= latest.at)) latest = s;
  if (!latest) return;
  await db.updateTable('devices').set({ user_id: latest.userId }).where('id', '=', deviceId).execute();
}
