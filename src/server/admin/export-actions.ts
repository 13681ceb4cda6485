/**
 * Exports an admin downloads (issue #5): verdicts and findings as CSV or JSON, findings as
 * OCSF Detection Finding events, each by the list filters and each download audited with
 * who asked and for what. The admin API sends the result as a file.
 */
import type { ExportFilter } from '../../shared/protocol/admin';
import type { AppContext } from '../app-context';
import { recordAudit } from '../audit/audit-log';
import { findingsCsv, verdictsCsv } from '../exports/csv';
import { exportFindings, exportOcsf, exportVerdicts } from '../exports/export-data';
import type { Actor } from './policy-actions';

export const EXPORTS = {
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

export interface ExportFile {
  type: string;
  /** `session-guard-<name>-<UTC time>.<csv|json>`. */
  file: string;
  body: string;
}

export async function exportAs(
  ctx: AppContext,
  by: Actor,
  name: ExportName,
  filter: ExportFilter,
): Promise<ExportFile> {
  const spec = EXPORTS[name];
  const body = await spec.build(ctx, filter);
  const now = ctx.now();
  await recordAudit(ctx.db, now, {
    actor: by.actor,
    ip: by.ip,
    action: 'export.download',
    target: name,
    details: { ...filter },
  });
  const stamp = new Date(now).toISOString().slice(0, 19).replace(/[:T]/g, '-');
  const file = `session-guard-${name.replace(/\.(csv|json)$/, '')}-${stamp}.${name.endsWith('.csv') ? 'csv' : 'json'}`;
  return { type: spec.type, file, body };
}
