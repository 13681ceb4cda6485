/**
 * One verdict's server-side half (issue #7), as the policy it was issued under asks:
 * `user` resets every session of the verdict's Slack user (`admin.users.session.reset`);
 * `session` lists the user's sessions (`admin.users.session.list`, every page), keeps
 * those of their guarded devices (session-match.ts) and invalidates the others one by one
 * (`admin.users.session.invalidate`). Each step is written to the verdict's timeline; a
 * retried job skips the sessions it already ended. Slack's errors are thrown, not eaten.
 */
import { findDevice } from '../db/devices';
import { verifiedUserOf } from '../trust/verified-user';
import { findFinding } from '../db/findings.repository';
import { revocationEvents, type RevocationRow } from '../db/slack-revocations.repository';
import type { VerdictRow } from '../db/verdicts.repository';
import { VerdictPayload } from '../../shared/protocol/verdict';
import { withToken } from './connection';
import type { SlackContext } from './context';
import { loadFootprint } from './device-footprint';
import { decideSessions, type SlackSession } from './session-match';
import { callMethod, SlackCallError } from './web-api';

/** Sessions count as the guarded devices' when their address was seen within this. */
export const FOOTPRINT_WINDOW_MS = 24 * 3600_000;

export type Timeline = (kind: string, detail: Record<string, unknown>) => Promise<void>;

/** A refusal no retry can change (no user to act on). */
export class PermanentError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

/**
 * The Slack user the verdict names (only ever a verified one, detection/subject.ts), else
 * the user Slack has since vouched for on its device. A claimed user is never acted on.
 */
export async function verdictUser(sc: SlackContext, verdict: VerdictRow): Promise<string | null> {
  const payload = VerdictPayload.safeParse(JSON.parse(verdict.payload));
  if (payload.success && payload.data.target.userId) return payload.data.target.userId;
  return verifiedUserOf(await findDevice(sc.db, verdict.device_id));
}

async function call(sc: SlackContext, timeline: Timeline, method: string, params: Record<string, unknown>) {
  try {
    const answer = await withToken(sc, method, (token) => callMethod(sc.endpoints, token, method, params));
    sc.metrics?.counters.sg_slack_calls_total.inc({ method, result: 'ok' });
    return answer.body;
  } catch (error) {
    if (error instanceof SlackCallError) {
      sc.metrics?.counters.sg_slack_calls_total.inc({ method, result: error.code });
      await timeline('call', {
        method,
        ok: false,
        error: error.code,
        httpStatus: error.httpStatus,
        retryAfterMs: error.retryAfterMs,
        detail: error.detail,
      });
    }
    throw error;
  }
}

async function listSessions(sc: SlackContext, timeline: Timeline, userId: string): Promise<SlackSession[]> {
  const sessions: SlackSession[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 50; page++) {
    const body = await call(sc, timeline, 'admin.users.session.list', {
      user_id: userId,
      limit: 1000,
      ...(cursor ? { cursor } : {}),
    });
    const found = Array.isArray(body.active_sessions) ? (body.active_sessions as SlackSession[]) : [];
    sessions.push(...found.filter((s) => s && (typeof s.session_id === 'number' || typeof s.session_id === 'string')));
    const next = (body.response_metadata as { next_cursor?: string } | undefined)?.next_cursor;
    if (!next) break;
    cursor = next;
  }
  await timeline('call', { method: 'admin.users.session.list', ok: true, userId, sessions: sessions.length });
  return sessions;
}

/** Sessions the audit-log correlation saw off-device, named in the verdict's finding. */
async function sessionsSeenOffDevice(sc: SlackContext, verdict: VerdictRow): Promise<Set<string>> {
  const finding = await findFinding(sc.db, verdict.finding_id);
  const id = (finding?.evidence as { slackSessionId?: unknown } | null)?.slackSessionId;
  return new Set(typeof id === 'string' || typeof id === 'number' ? [String(id)] : []);
}

export async function runRevocation(
  sc: SlackContext,
  job: RevocationRow,
  verdict: VerdictRow,
  userId: string,
  timeline: Timeline,
): Promise<void> {
  if (job.mode === 'user') {
    await call(sc, timeline, 'admin.users.session.reset', { user_id: userId });
    await timeline('reset', { method: 'admin.users.session.reset', ok: true, userId });
    return;
  }
  const sessions = await listSessions(sc, timeline, userId);
  const now = sc.now();
  const footprint = await loadFootprint(sc.db, userId, now - FOOTPRINT_WINDOW_MS, now);
  const decisions = decideSessions(sessions, footprint, await sessionsSeenOffDevice(sc, verdict));
  const done = new Set(
    (await revocationEvents(sc.db, job.verdict_id))
      .filter((e) => e.kind === 'invalidated')
      .map((e) => String((JSON.parse(e.detail) as { sessionId?: unknown }).sessionId)),
  );
  for (const d of decisions) {
    if (d.action === 'keep') {
      await timeline('kept', { sessionId: d.sessionId, ip: d.ip, os: d.os, why: d.why });
      continue;
    }
    if (done.has(d.sessionId)) continue;
    const teamId = d.teamId ?? sessions.find((s) => String(s.session_id) === d.sessionId)?.team_id ?? null;
    try {
      await call(sc, timeline, 'admin.users.session.invalidate', {
        session_id: Number(d.sessionId) || d.sessionId,
        ...(teamId ? { team_id: teamId } : {}),
      });
    } catch (error) {
      // Gone already (ended by Slack, the user or an earlier attempt): what we wanted.
      if (!(error instanceof SlackCallError) || !['invalid_session', 'session_not_found'].includes(error.code))
        throw error;
    }
    await timeline('invalidated', {
      method: 'admin.users.session.invalidate',
      sessionId: d.sessionId,
      teamId,
      ip: d.ip,
      os: d.os,
      why: d.why,
    });
  }
}
