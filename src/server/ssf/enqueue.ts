/**
 * Turns recent verdicts and findings into SET deliveries (issue #12): every tick of the
 * SSF runner looks back a few minutes (late commits, other replicas) for SSF events
 * (events.ts) and queues one `ssf_delivery` job per receiver and event, keyed
 * `<receiver>:<verdict|finding>:<id>`, so however many replicas look, each is queued once.
 * A receiver only hears of what happened after it was added.
 */
import { createHash } from 'node:crypto';
import { listSsfReceivers } from '../db/ssf-receivers.repository';
import type { Db } from '../db/schema';
import { enqueueJob } from '../jobs/queue';
import { SSF_DELIVERY, type SsfDeliveryPayload } from './delivery';
import { recentSsfEvents } from './events';

export const SSF_LOOKBACK_MS = 5 * 60_000;

/** A SET's `jti`: the same for every attempt at one receiver's copy of one event. */
export function setJti(receiverId: string, source: string): string {
  return createHash('sha256').update(`ssf:${receiverId}:${source}`).digest('base64url').slice(0, 32);
}

/** Queues what is new; returns how many jobs were added. */
export async function enqueueSsfEvents(db: Db, now: number, lookbackMs = SSF_LOOKBACK_MS): Promise<number> {
  const receivers = await listSsfReceivers(db);
  if (receivers.length === 0) return 0;
  const events = await recentSsfEvents(db, now - lookbackMs);
  let added = 0;
  for (const receiver of receivers) {
    for (const event of events) {
      if (event.at < Number(receiver.created_at)) continue;
      const payload: SsfDeliveryPayload = {
        receiverId: receiver.id,
        jti: setJti(receiver.id, event.source),
        eventType: event.eventType,
        email: event.email,
        event: event.event,
      };
      const key = `${receiver.id}:${event.source}`;
      if (await enqueueJob(db, { kind: SSF_DELIVERY, key, payload }, now)) added++;
    }
  }
  return added;
}
