/**
 * The records an admin reads: verdicts (with their acks), findings (monitor mode too) and
 * the audit log, each by the admin API's validated filters. The admin API and the
 * dashboard's pages read them here and only here, so a page and `/api` cannot show
 * different things for the same filter.
 */
import type {
  AuditEntryView,
  AuditFilter,
  FindingFilter,
  FindingView,
  VerdictFilter,
  VerdictView,
} from '../../shared/protocol/admin';
import type { AppContext } from '../app-context';
import { toAuditEntry } from '../audit/audit-log';
import { listAudit } from '../db/audit.repository';
import { toFinding } from '../db/findings.repository';
import { searchFindings, searchVerdicts } from '../db/verdict-search.repository';
import { toAdminVerdict } from './views';

export async function verdictViews(ctx: AppContext, filter: VerdictFilter): Promise<VerdictView[]> {
  return (await searchVerdicts(ctx.db, filter)).map(toAdminVerdict);
}

export async function findingViews(ctx: AppContext, filter: FindingFilter): Promise<FindingView[]> {
  return (await searchFindings(ctx.db, filter)).map(toFinding);
}

/** Newest first. */
export async function auditEntries(ctx: AppContext, filter: AuditFilter): Promise<AuditEntryView[]> {
  return (await listAudit(ctx.db, filter)).map(toAuditEntry);
}
