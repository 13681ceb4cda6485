/**
 * One-time dashboard notices (issue #12): orgs whose stored policy keeps a
 * `serverSideRevocation` other than `auto` are told once what `auto` would do for them,
 * until an admin dismisses it (kept in the store, audited, for every admin and replica).
 */
import type { AutoNotice } from '../../dashboard/server-side-modes';
import type { AppContext } from '../app-context';
import { recordAudit } from '../audit/audit-log';
import { getValue, setValue } from '../db/kv.repository';
import { currentPolicy } from '../policy/policy-store';
import { autoWouldDo } from '../slack/auto-revocation';
import type { Actor } from './policy-actions';

const DISMISSED = 'dashboard.notice.auto_revocation.dismissed_at';

/** The notice to show, or null (policy is `auto`, or an admin dismissed it). */
export async function autoRevocationNoticeFor(ctx: AppContext): Promise<AutoNotice | null> {
  const stored = (await currentPolicy(ctx.db, ctx.now())).policy.serverSideRevocation;
  if (stored === 'auto' || (await getValue(ctx.db, DISMISSED)) !== undefined) return null;
  return { stored, sentence: await autoWouldDo(ctx.db) };
}

export async function dismissAutoRevocationNoticeAs(ctx: AppContext, actor: Actor): Promise<void> {
  const now = ctx.now();
  await setValue(ctx.db, DISMISSED, String(now), now);
  await recordAudit(ctx.db, now, { ...actor, action: 'dashboard.notice.dismiss', target: 'auto_revocation' });
}
