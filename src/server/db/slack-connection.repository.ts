/** The one Slack connection: read it, replace it, forget it, note the last test call. */
import type { Db } from './schema';
import type { SlackConnectionTable } from './slack.table';

export type SlackConnectionRow = SlackConnectionTable;
const ID = 'default';

export async function getSlackConnection(db: Db): Promise<SlackConnectionRow | undefined> {
  return db.selectFrom('slack_connection').selectAll().where('id', '=', ID).executeTakeFirst();
}

export async function saveSlackConnection(db: Db, row: Omit<SlackConnectionRow, 'id'>): Promise<void> {
  const values = { ...row, id: ID };
  await db
    .insertInto('slack_connection')
    .values(values)
    .onConflict((oc) => oc.column('id').doUpdateSet(row))
    .execute();
}

export async function deleteSlackConnection(db: Db): Promise<boolean> {
  const result = await db.deleteFrom('slack_connection').where('id', '=', ID).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function recordSlackTest(db: Db, at: number, error: string | null): Promise<void> {
  await db
    .updateTable('slack_connection')
    .set({ last_test_at: at, last_test_ok: error === null ? 1 : 0, last_test_error: error })
    .where('id', '=', ID)
    .execute();
}
