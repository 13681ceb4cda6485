/**
 * Adding, listing and removing SSF receivers (issue #12), for the CLI, the admin API and
 * the dashboard alike. A receiver is a push endpoint (RFC 8935), the audience its SETs
 * carry, and the bearer token it demands, sealed at once; a list shows only the token's
 * last four characters. The URL goes through the same target guard as webhooks: loopback
 * and private addresses only with `serve --allow-private-webhooks`. Audited.
 */
import { randomUUID } from 'node:crypto';
import { SsfReceiverRequest, SsfReceiverView } from '../../shared/protocol/ssf';
import type { Actor } from '../admin/policy-actions';
import { recordAudit } from '../audit/audit-log';
import type { Db } from '../db/schema';
import {
  deleteSsfReceiver,
  findSsfReceiver,
  insertSsfReceiver,
  listSsfReceivers,
  type SsfReceiverRow,
} from '../db/ssf-receivers.repository';
import { HttpError } from '../http/http-error';
import type { SecretKey } from '../slack/secret-key';
import { checkWebhookUrl, WebhookTargetError, type WebhookTargetPolicy } from '../webhooks/targets';
import { seal, unseal } from './seal';

export { SsfReceiverRequest, SsfReceiverView } from '../../shared/protocol/ssf';

const tokenLabel = (id: string) => `receiver-token:${id}`;

export function toReceiverView(row: SsfReceiverRow): SsfReceiverView {
  return {
    id: row.id,
    url: row.url,
    audience: row.audience,
    tokenHint: row.token_hint === null ? 'none' : `…${row.token_hint}`,
    createdAt: Number(row.created_at),
    createdBy: row.created_by,
    lastStatus: row.last_status,
    lastError: row.last_error,
    lastAttemptAt: row.last_attempt_at === null ? null : Number(row.last_attempt_at),
  };
}

export async function receiverViews(db: Db): Promise<SsfReceiverView[]> {
  return (await listSsfReceivers(db)).map(toReceiverView);
}

export function receiverToken(key: SecretKey, row: SsfReceiverRow): string | null {
  return row.token_sealed === null ? null : unseal(key, tokenLabel(row.id), row.token_sealed, row.secret_key_id);
}

export async function addReceiverAs(
  db: Db,
  key: SecretKey,
  now: number,
  by: Actor,
  input: unknown,
  targets: WebhookTargetPolicy,
): Promise<SsfReceiverView> {
  const parsed = SsfReceiverRequest.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
    throw new HttpError(400, 'invalid_ssf_receiver', problems);
  }
  const { url, token, audience } = parsed.data;
  try {
    await checkWebhookUrl(url, targets);
  } catch (error) {
    if (error instanceof WebhookTargetError)
      throw new HttpError(400, 'private_ssf_target', `receiver URL refused: ${error.message}`);
    throw error;
  }
  const id = randomUUID();
  const row: SsfReceiverRow = {
    id,
    url,
    audience: audience ?? new URL(url).origin,
    token_sealed: token === undefined ? null : seal(key, tokenLabel(id), token),
    token_hint: token === undefined ? null : token.slice(-4),
    secret_key_id: key.id,
    created_at: now,
    created_by: by.actor,
    last_status: null,
    last_error: null,
    last_attempt_at: null,
  };
  await insertSsfReceiver(db, row);
  await recordAudit(db, now, {
    actor: by.actor,
    ip: by.ip,
    action: 'ssf.receiver_add',
    target: id,
    details: { url, audience: row.audience },
  });
  return toReceiverView(row);
}

export async function removeReceiverAs(db: Db, now: number, by: Actor, id: string): Promise<void> {
  const row = await findSsfReceiver(db, id);
  if (!row || !(await deleteSsfReceiver(db, id)))
    throw new HttpError(404, 'unknown_ssf_receiver', 'no SSF receiver with this id');
  await recordAudit(db, now, {
    actor: by.actor,
    ip: by.ip,
    action: 'ssf.receiver_remove',
    target: id,
    details: { url: row.url },
  });
}
