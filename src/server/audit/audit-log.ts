/**
 * The audit log of every admin action (issue #5): who (a dashboard session, a named API
 * token, the CLI), what (a stable action name), on what, from where, and the details of
 * the change. Written in the same request as the change; listed at /audit and /api/audit.
 */
import { randomBytes } from 'node:crypto';
import { insertAudit, type AuditRow } from '../db/audit.repository';
import type { Db } from '../db/schema';
import type { AuditAction, AuditEntryView } from '../../shared/protocol/admin';

export { AUDIT_ACTIONS, type AuditAction } from '../../shared/protocol/admin';
/** An audit row as the admin API and the dashboard show it. */
export type AuditEntry = AuditEntryView;

export interface AuditInput {
  actor: string;
  action: AuditAction;
  target?: string | null;
  ip?: string | null;
  details?: Record<string, unknown>;
}

let sequence = 0;

/** Sorts by time, then by order of writing within one process (the clock may not move). */
function auditId(at: number): string {
  sequence = (sequence + 1) % 1_000_000;
  return `${String(at).padStart(15, '0')}-${String(sequence).padStart(6, '0')}-${randomBytes(4).toString('hex')}`;
}

export async function recordAudit(db: Db, now: number, input: AuditInput): Promise<void> {
  await insertAudit(db, {
    id: auditId(now),
    at: now,
    actor: input.actor,
    action: input.action,
    target: input.target ?? null,
    ip: input.ip ?? null,
    details: JSON.stringify(input.details ?? {}),
  });
}

export function toAuditEntry(row: AuditRow): AuditEntry {
  let details: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(row.details);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) details = parsed as Record<string, unknown>;
  } catch {
    // A row written by hand; show it without details rather than fail the page.
  }
  return {
    id: row.id,
    at: Number(row.at),
    actor: row.actor,
    action: row.action,
    target: row.target,
    ip: row.ip,
    details,
  };
}
