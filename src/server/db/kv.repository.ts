/**
 * Key-value access for server secrets. `putIfAbsent` is the race-free way for replicas
 * that start together to agree: the first insert wins and everyone reads it back.
 */
import type { Db } from './schema';

export async function getValue(db: Db, key: string): Promise<string | undefined> {
  const row = await db.selectFrom('kv').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value;
}

export async function putIfAbsent(db: Db, key: string, value: string, now: number): Promise<string> {
  await db
    .insertInto('kv')
    .values({ key, value, updated_at: now })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const stored = await getValue(db, key);
  if (stored === undefined) throw new Error(`kv: ${key} vanished after insert`);
  return stored;
}

export async function setValue(db: Db, key: string, value: string, now: number): Promise<void> {
  await db
    .insertInto('kv')
    .values({ key, value, updated_at: now })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: now }))
    .execute();
}
