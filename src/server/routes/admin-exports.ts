/**
 * Admin API: exports (CSV and JSON of verdicts and findings, findings as OCSF Detection
 * Finding events) with the list filters, each download audited; and the audit log.
 */
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { AuditEntryView, AuditFilter, ExportFilter } from '../../shared/protocol/admin';
import type { AppContext } from '../app-context';
import { recordAudit, toAuditEntry } from '../audit/audit-log';
import type { AdminPrincipal } from '../auth/admin-auth';
import { listAudit } from '../db/audit.repository';
import { findingsCsv, verdictsCsv } from '../exports/csv';
import { exportFindings, exportOcsf, exportVerdicts } from '../exports/export-data';
import { adminRoute, type AdminCall } from './admin-route';

const EXPORTS = {
  'verdicts.csv': {
    type: 'text/csv; charset=utf-8',
    build: async (ctx: AppContext, f: ExportFilter) => verdictsCsv(await exportVerdicts(ctx, f)),
  },
  'verdicts.json': {
    type: 'application/json',
    build: async (ctx: AppContext, f: ExportFilter) => JSON.stringify({ verdicts: await exportVerdicts(ctx, f) }),
  },
  'findings.csv': {
    type: 'text/csv; charset=utf-8',
    build: async (ctx: AppContext, f: ExportFilter) => findingsCsv(await exportFindings(ctx, f)),
  },
  'findings.json': {
    type: 'application/json',
    build: async (ctx: AppContext, f: ExportFilter) => JSON.stringify({ findings: await exportFindings(ctx, f) }),
  },
  'findings.ocsf.json': {
    type: 'application/json',
    build: async (ctx: AppContext, f: ExportFilter) => JSON.stringify(await exportOcsf(ctx, f)),
  },
} as const;
export type ExportName = keyof typeof EXPORTS;
export const EXPORT_NAMES = Object.keys(EXPORTS) as ExportName[];

/** Sends an export as a download; shared with the dashboard's export links. */
export async function sendExport(
  ctx: AppContext,
  reply: FastifyReply,
  name: ExportName,
  filter: ExportFilter,
  by: { admin: AdminPrincipal; ip: string },
) {
  const spec = EXPORTS[name];
  const body = await spec.build(ctx, filter);
  const now = ctx.now();
  await recordAudit(ctx.db, now, {
    actor: by.admin.actor,
    ip: by.ip,
    action: 'export.download',
    target: name,
    details: { ...filter },
  });
  const stamp = new Date(now).toISOString().slice(0, 19).replace(/[:T]/g, '-');
  const file = `session-guard-${name.replace(/\.(csv|json)$/, '')}-${stamp}.${name.endsWith('.csv') ? 'csv' : 'json'}`;
  return reply
    .type(spec.type)
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
    handler: async ({ ctx, query }) => ({ entries: (await listAudit(ctx.db, query)).map(toAuditEntry) }),
  }),
];
