/**
 * Verdict fan-out across replicas that share one PostgreSQL: each replica keeps its own
 * sockets in a local hub and LISTENs on one channel; publishing a verdict delivers it to
 * local sockets and NOTIFYs the others, which hand it to theirs. A device is connected to
 * one replica, so without this a verdict issued on another would wait for the next poll.
 * If the listening connection drops, it reconnects with backoff; meanwhile devices still
 * get verdicts by poll, so nothing is lost, only delayed.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { z } from 'zod';
import { SignedVerdict } from '../../shared/protocol/verdict';
import { createLocalHub, type VerdictHub } from './hub';

export const VERDICT_CHANNEL = 'session_guard_verdicts';

const Notice = z.object({
  replica: z.string(),
  deviceId: z.string(),
  verdict: SignedVerdict.extend({ id: z.string() }),
});

export interface PostgresHub extends VerdictHub {
  /** Resolves once this replica is listening (tests wait on it). */
  ready: Promise<void>;
  close(): Promise<void>;
}

export interface PostgresHubOptions {
  url: string;
  log?: { warn(obj: object, msg: string): void };
}

export function createPostgresHub({ url, log }: PostgresHubOptions): PostgresHub {
  const local = createLocalHub();
  const replica = randomUUID();
  let client: pg.Client | null = null;
  let closed = false;
  let failures = 0;

  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: url });
    next.on('notification', (message) => {
      if (message.channel !== VERDICT_CHANNEL || !message.payload) return;
      const parsed = Notice.safeParse(JSON.parse(message.payload));
      if (parsed.success && parsed.data.replica !== replica) local.publish(parsed.data.deviceId, parsed.data.verdict);
    });
    next.on('error', (error) => log?.warn({ err: error.message }, 'verdict fan-out connection failed'));
    next.on('end', () => {
      if (client === next) client = null;
      if (!closed) setTimeout(() => void connect().catch(() => undefined), Math.min(30_000, 500 * 2 ** failures++));
    });
    await next.connect();
    await next.query(`LISTEN ${VERDICT_CHANNEL}`);
    client = next;
    failures = 0;
  };
  const ready = connect();

  return {
    ready,
    subscribe: (deviceId, listener) => local.subscribe(deviceId, listener),
    connections: () => local.connections(),
    publish(deviceId, verdict) {
      const delivered = local.publish(deviceId, verdict);
      const payload = JSON.stringify({ replica, deviceId, verdict });
      client
        ?.query('SELECT pg_notify($1, $2)', [VERDICT_CHANNEL, payload])
        .catch((error: Error) => log?.warn({ err: error.message }, 'verdict fan-out notify failed'));
      return delivered;
    },
    async close() {
      closed = true;
      await ready.catch(() => undefined);
      await client?.end().catch(() => undefined);
    },
  };
}
