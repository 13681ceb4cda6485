/**
 * SET delivery as a job (issue #12; kind `ssf_delivery`, src/server/jobs/): one job per
 * receiver and event, keyed so every replica enqueues it once. Each run signs the SET
 * afresh (same `jti`, so the receiver dedupes a retry) and pushes it (push.ts). RFC 8935:
 * 202 Accepted (any 2xx) is done; a 4xx is the receiver refusing this SET (§2.3 error
 * JSON, e.g. `invalid_audience`, `authentication_failed`): retrying cannot help, give up;
 * 429 and 408 and 5xx and network errors retry on the queue's backoff, honouring
 * Retry-After. The bearer token goes into the Authorization header and nowhere else.
 */
import { findSsfReceiver, noteSsfAttempt } from '../db/ssf-receivers.repository';
import type { Db } from '../db/schema';
import type { JobHandler, JobOutcome } from '../jobs/queue';
import { retryAfterMs } from '../jobs/retry-after';
import type { SecretKey } from '../slack/secret-key';
import type { WebhookTargetPolicy } from '../webhooks/targets';
import { pushSet } from './push';
import { receiverToken } from './receivers';
import { signSet, type SsfEventType } from './set';
import { setSigningKey } from './ssf-keys';

export const SSF_DELIVERY = 'ssf_delivery';

export interface SsfDeliveryPayload {
  receiverId: string;
  jti: string;
  eventType: SsfEventType;
  email: string;
  event: Record<string, unknown>;
}

export interface SsfDeliveryDeps {
  db: Db;
  now: () => number;
  key: () => SecretKey;
  issuer: string;
  targets: WebhookTargetPolicy;
  timeoutMs?: number;
  retryDelaysMs?: readonly number[];
}

export function ssfDeliveryHandler(deps: SsfDeliveryDeps): JobHandler<SsfDeliveryPayload> {
  const timeoutMs = deps.timeoutMs ?? 15_000;
  return {
    kind: SSF_DELIVERY,
    ...(deps.retryDelaysMs ? { retryDelaysMs: deps.retryDelaysMs } : {}),
    async run(payload, job): Promise<JobOutcome> {
      const { db } = deps;
      const receiver = await findSsfReceiver(db, payload.receiverId);
      if (!receiver) return { status: 'give_up', error: 'the receiver was removed' };
      const now = deps.now();
      const key = deps.key();
      const set = await signSet(
        await setSigningKey(db, key, now),
        {
          issuer: deps.issuer,
          audience: receiver.audience,
          jti: payload.jti,
          email: payload.email,
          eventType: payload.eventType,
          event: payload.event,
        },
        now,
      );
      const outcome = await push(receiver.url, receiverToken(key, receiver), set, timeoutMs, deps.targets, now);
      const status =
        outcome.status === 'done' ? 'delivered' : outcome.status === 'retry' && !job.final ? 'retrying' : 'failed';
      await noteSsfAttempt(db, receiver.id, deps.now(), status, 'error' in outcome ? outcome.error : null);
      return outcome;
    },
  };
}

async function push(
  url: string,
  token: string | null,
  set: string,
  timeoutMs: number,
  targets: WebhookTargetPolicy,
  now: number,
): Promise<JobOutcome> {
  let answer;
  try {
    answer = await pushSet(url, token, set, { timeoutMs, targets });
  } catch (error) {
    const message =
      (error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (error as Error).message;
    return { status: 'retry', error: message };
  }
  if (answer.status >= 200 && answer.status < 300) return { status: 'done' };
  const said = answer.err ? `: ${answer.err}${answer.description ? ` (${answer.description})` : ''}` : '';
  const error = `HTTP ${answer.status}${said}`;
  const retryable = answer.status >= 500 || answer.status === 429 || answer.status === 408 || answer.status < 200;
  if (!retryable) return { status: 'give_up', error };
  const after = retryAfterMs(answer.retryAfter, now);
  return { status: 'retry', error, ...(after !== null ? { retryAfterMs: after } : {}) };
}
