/**
 * The two inboxes of what Slack's logs said (the audit log's entries, the access log's
 * activity keys): the same life in two tables. A row is stored once, ever (its id is the
 * primary key, so a re-read page adds nothing), processed by its job (src/server/jobs/),
 * and marked done with what processing concluded.
 */
import type { Db } from './schema';
import type { SlackAccessEntriesTable } from './slack-access-logs.table';
import type { SlackAuditEntriesTable } from './slack.table';

export type InboxTable = 'slack_audit_entries' | 'slack_access_entries';
type RowOf<T extends InboxTable> = T extends 'slack_audit_entries' ? SlackAuditEntriesTable : SlackAccessEntriesTable;

// One query shape for both tables: Kysely types each table apart, their columns used here agree.
const as = (table: InboxTable) => table as 'slack_audit_entries';

/** Stores the rows not seen before; returns the ids that were new. */
export async function insertInboxRows<T extends InboxTable>(db: Db, table: T, rows: RowOf<T>[]): Promise<string[]> {
  const added: string[] = [];
  for (const row of rows) {
    const result = await db
      .insertInto(as(table))
      .values(row as SlackAuditEntriesTable)
      .onConflict((oc) => oc.column('id').doNothing())
      .executeTakeFirst();
    if (Number(result.numInsertedOrUpdatedRows ?? 0) > 0) added.push(row.id);
  }
  return added;
}

export async function findInboxRow<T extends InboxTable>(db: Db, table: T, id: string): Promise<RowOf<T> | undefined> {
  return (await db.selectFrom(as(table)).selectAll().where('id', '=', id).executeTakeFirst()) as RowOf<T> | undefined;
}

export async function markInboxRowProcessed(
  db: Db,
  table: InboxTable,
  id: string,
  now: number,
  result: Record<string, unknown>,
): Promise<void> {
  await db
    .updateTable(as(table))
    .set({ status: 'done', processed_at: now, locked_until: 0, result: JSON.stringify(result) })
    .where('id', '=', id)
    .execute();
}

export async function countPendingInboxRows(db: Db, table: InboxTable): Promise<number> {
  const row = await db
    .selectFrom(as(table))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'pending')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
