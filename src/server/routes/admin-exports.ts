/**
 * Admin API: exports (CSV and JSON of verdicts and findings, findings as OCSF Detection
 * Finding events) with the list filters, each download audited (admin/export-actions.ts);
 * and the audit log.
 */
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { AuditEntryView, AuditFilter, ExportFilter } from '../../shared/protocol/admin';
import { EXPORTS, exportAs, type ExportName } from '../admin/export-actions';
import { auditEntries } from '../admin/record-actions';
import type { AppContext } from '../app-context';
import type { AdminPrincipal } from '../auth/admin-auth';
import { adminRoute, type AdminCall } from './admin-route';

/** Sends an export as a download; shared with the dashboard's export links. */
export async function sendExport(
  ctx: AppContext,
  reply: FastifyReply,
  name: ExportName,
  filter: ExportFilter,
  by: { admin: AdminPrincipal; ip: string },
) {
  const { type, file, body } = await exportAs(ctx, { actor: by.admin.actor, ip: by.ip }, name, filter);
  return reply
    .type(type)
    .header('content-disposition', `attachment; filename="${file}"`)
    .header('cache-control', 'no-store')
    .send(body);
}

const exportRoute = (name: ExportName, summary: string) =>
  adminRoute({
    method: 'GET',
    path: `/exports/${name}`,
    summary,
    query: ExportFilter,
    produces: [EXPORTS[name].type.split(';')[0]!],
    handler: async ({ ctx, reply, query, admin, req }: AdminCall<ExportFilter, undefined>) =>
      sendExport(ctx, reply, name, query, { admin, ip: req.ip }),
  });

export const exportRoutes = [
  exportRoute('verdicts.csv', 'Verdicts as CSV (RFC 4180; formula-like cells neutralised)'),
  exportRoute('verdicts.json', 'Verdicts as JSON ({ verdicts })'),
  exportRoute('findings.csv', 'Findings as CSV'),
  exportRoute('findings.json', 'Findings as JSON ({ findings })'),
  exportRoute('findings.ocsf.json', 'Findings as OCSF 1.3.0 Detection Finding events (class_uid 2004), a JSON array'),
  adminRoute({
    method: 'GET',
    path: '/audit',
    summary: 'The audit log of admin actions, newest first; filter by action or actor',
    query: AuditFilter,
    response: z.object({ entries: z.array(AuditEntryView) }),
    handler: async ({ ctx, query }) => ({ entries: await auditEntries(ctx, query) }),
  }),
];
