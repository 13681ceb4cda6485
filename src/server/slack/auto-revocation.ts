/**
 * What `serverSideRevocation: auto` means for one verdict (issue #12): `user` (every
 * session of the user ends, the sure answer to a copied cookie) when the verdict names a
 * user Slack verified and the Slack connection is a working Enterprise Grid one that may
 * reset sessions; otherwise nothing server-side. The device-side clear and sign-out
 * happen for every org regardless. Also the sentence the dashboard shows, once, to admins
 * whose stored policy is not `auto`.
 */
import type { Db } from '../db/schema';
import { getSlackConnection, type SlackConnectionRow } from '../db/slack-connection.repository';
import { scopeList } from './feed-source';

export interface AutoDecision {
  mode: 'user' | 'none';
  why: string;
}

/** A Grid connection that can reset sessions and did not fail its last test. */
export function gridConnectionWorks(row: SlackConnectionRow | undefined): { ok: boolean; why: string } {
  if (!row) return { ok: false, why: 'Slack is not connected' };
  if (!row.enterprise_id) return { ok: false, why: 'the Slack connection is not an Enterprise Grid org' };
  const scopes = scopeList(row);
  if (scopes.length > 0 && !scopes.includes('admin.users:write'))
    return { ok: false, why: 'the Slack token lacks admin.users:write' };
  if (row.last_test_ok === 0) return { ok: false, why: 'the Slack connection failed its last test' };
  return { ok: true, why: 'a working Enterprise Grid connection' };
}

/** `verifiedUserId`: the verdict's user, only when Slack vouched for it (revocation-run.ts verdictUser). */
export async function resolveAuto(db: Db, verifiedUserId: string | null): Promise<AutoDecision> {
  const grid = gridConnectionWorks(await getSlackConnection(db));
  if (!grid.ok) return { mode: 'none', why: grid.why };
  if (!verifiedUserId) return { mode: 'none', why: 'Slack has not verified the device’s user' };
  return { mode: 'user', why: `verified user and ${grid.why}` };
}

/** What `auto` would do in this org now, in a sentence for its admins. */
export async function autoWouldDo(db: Db): Promise<string> {
  const grid = gridConnectionWorks(await getSlackConnection(db));
  return grid.ok
    ? 'With "auto", a verdict about a user Slack verified would also end every Slack session of that user ' +
        '(as "user"), because this backend has a working Enterprise Grid connection; devices are cleared and signed out as now.'
    : `With "auto", nothing would be ended at Slack (${grid.why}); every device is still cleared and signed out.`;
}
