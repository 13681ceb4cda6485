/**
 * Key rotation in the store (issue #4): the new device row takes over the old one's
 * identity (Slack user, version, its Slack session bindings), the link is recorded, and
 * the old key is marked revoked so it is refused everywhere from now on.
 */
import type { DeviceKeyLinksTable } from '../device-key-links.table';
import type { Db } from '../schema';
import { moveBindings } from '../session-bindings.repository';
import type { DeviceRow } from './lifecycle';

export async function findRotationFrom(db: Db, oldDeviceId: string): Promise<DeviceKeyLinksTable | undefined> {
  return db.selectFrom('device_key_links').selectAll().where('old_device_id', '=', oldDeviceId).executeTakeFirst();
}

/** The device ids this one replaced, newest first (bounded). */
export async function previousDeviceIds(db: Db, deviceId: string, max = 20): Promise<string[]> {
  const chain: string[] = [];
  let current = deviceId;
  while (chain.length < max) {
    const link = await db
      .selectFrom('device_key_links')
      .select('old_device_id')
      .where('new_device_id', '=', current)
      .executeTakeFirst();
    if (!link) break;
    chain.push(link.old_device_id);
    current = link.old_device_id;
  }
  return chain;
}

export interface Rotation {
  old: DeviceRow;
  newDeviceId: string;
  newPublicKey: string;
  now: number;
  ip: string | null;
}

/** Run inside a transaction. */
export async function rotateDeviceKey(db: Db, r: Rotation): Promise<void> {
  await db
    .insertInto('devices')
    .values({
      id: r.newDeviceId,
      public_key: r.newPublicKey,
      extension_version: r.old.extension_version,
      user_agent: r.old.user_agent,
      user_id: r.old.user_id,
      // Both keys signed the rotation: the browser Slack vouched for is the same one (issue #10).
      verified_user_id: r.old.verified_user_id ?? null,
      verified_team_id: r.old.verified_team_id ?? null,
      verified_email: r.old.verified_email ?? null,
      verified_at: r.old.verified_at ?? null,
      enrolled_at: r.now,
      last_seen_at: r.now,
      last_ip: r.ip,
    })
    .execute();
  await db
    .insertInto('device_key_links')
    .values({ old_device_id: r.old.id, new_device_id: r.newDeviceId, rotated_at: r.now })
    .execute();
  await db
    .updateTable('devices')
    .set({ revoked_at: r.now, revoked_by: `rotated:${r.newDeviceId}` })
    .where('id', '=', r.old.id)
    .execute();
  // The same browser keeps its Slack sessions: a binding to the old key is one to the new.
  await moveBindings(db, r.old.id, r.newDeviceId);
}
