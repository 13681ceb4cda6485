/**
 * The dashboard's live feed (server-sent events, issue #5). Each open stream reads the
 * store about once a second for verdicts, acknowledgements and findings since it opened
 * (or since the `since` its page was rendered at), so verdicts issued by any replica
 * appear; a verdict issued by this replica nudges every stream to read at once. An event
 * is sent when new or changed (a verdict gaining its ack is sent again, with the ack).
 */
import { toFinding } from '../db/findings.repository';
import type { Db } from '../db/schema';
import { acksSince, findVerdictWithAck, searchFindings, searchVerdicts } from '../db/verdict-search.repository';
import { toAdminVerdict } from '../admin/views';
import { createLoop } from '../jobs/loop';

export interface AdminEventBus {
  nudge(): void;
  onNudge(listener: () => void): () => void;
  streams(): number;
}

export function createAdminEventBus(): AdminEventBus {
  const listeners = new Set<() => void>();
  return {
    nudge: () => listeners.forEach((l) => l()),
    onNudge(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    streams: () => listeners.size,
  };
}

export type AdminEventType = 'verdict' | 'finding';
export type SendEvent = (type: AdminEventType, id: string, data: unknown) => void;

export interface StreamOptions {
  db: Db;
  now: () => number;
  bus: AdminEventBus;
  since: number;
  pollMs: number;
  /** How far back a poll reads, for rows committed late. */
  windowMs?: number;
  onError?: (error: unknown) => void;
}

export function openAdminStream(options: StreamOptions, send: SendEvent): () => void {
  const { db, now } = options;
  const windowMs = options.windowMs ?? 60_000;
  const seen = new Map<string, number>();

  const emit = (type: AdminEventType, key: string, id: string, at: number, data: unknown) => {
    if (seen.has(key)) return;
    seen.set(key, at);
    send(type, id, data);
  };

  async function pollOnce(): Promise<void> {
    const from = Math.max(options.since, now() - windowMs);
    for (const row of (await searchVerdicts(db, { from, limit: 200 })).reverse()) {
      const view = toAdminVerdict(row);
      emit('verdict', `v:${row.id}:${view.ack?.outcome ?? '-'}`, row.id, view.issuedAt, view);
    }
    for (const ack of await acksSince(db, from, 200)) {
      const row = await findVerdictWithAck(db, ack.verdict_id);
      if (!row) continue;
      const view = toAdminVerdict(row);
      emit('verdict', `v:${row.id}:${view.ack?.outcome ?? '-'}`, row.id, Number(ack.received_at), view);
    }
    for (const row of (await searchFindings(db, { from, limit: 200 })).reverse()) {
      const finding = toFinding(row);
      emit('finding', `f:${row.id}`, row.id, finding.detectedAt, finding);
    }
    for (const [key, at] of seen) if (at < from - windowMs) seen.delete(key);
  }

  // The one coalescing loop (jobs/loop.ts): a nudge during a read reads once more after it.
  const loop = createLoop({
    run: pollOnce,
    intervalMs: options.pollMs,
    onError: (error) => options.onError?.(error),
  });
  const offNudge = options.bus.onNudge(() => void loop.tick());
  void loop.tick();
  return () => {
    offNudge();
    void loop.stop();
  };
}
