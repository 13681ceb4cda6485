/**
 * The data behind exports, with the same filters as the lists: verdicts and findings as
 * the API shows them, and findings as OCSF events (with the detector's title and ATT&CK
 * ids, and the device's Slack user when known).
 */
import type { ExportFilter, FindingView, VerdictView } from '../../shared/protocol/admin';
import { toAdminVerdict } from '../admin/views';
import type { AppContext } from '../app-context';
import { findDevice } from '../db/devices';
import { toFinding } from '../db/findings.repository';
import { searchFindings, searchVerdicts } from '../db/verdict-search.repository';
import { DETECTORS } from '../detection/registry';
import { toOcsfDetectionFinding } from './ocsf';

export async function exportVerdicts(ctx: AppContext, filter: ExportFilter): Promise<VerdictView[]> {
  return (await searchVerdicts(ctx.db, filter)).map(toAdminVerdict);
}

export async function exportFindings(ctx: AppContext, filter: ExportFilter): Promise<FindingView[]> {
  return (await searchFindings(ctx.db, filter)).map(toFinding);
}

export async function exportOcsf(ctx: AppContext, filter: ExportFilter): Promise<Record<string, unknown>[]> {
  const findings = await exportFindings(ctx, filter);
  const users = new Map<string, string | null>();
  for (const id of new Set(findings.map((f) => f.deviceId)))
    users.set(id, (await findDevice(ctx.db, id))?.user_id ?? null);
  return findings.map((f) =>
    toOcsfDetectionFinding(
      f,
      DETECTORS.find((d) => d.id === f.detector),
      users.get(f.deviceId) ?? null,
    ),
  );
}
