/**
 * An Audit Logs API entry as Slack documents it (`id`, `date_create` in Unix seconds,
 * `action`, `actor`, `entity`, `context` with `ip_address`, `ua`, `session_id`, `details`),
 * parsed leniently: unknown fields pass, and a field we need but lack makes the entry
 * unusable for correlation, never the whole page unreadable.
 */
import { z } from 'zod';

const SlackUser = z.looseObject({ id: z.string(), name: z.string().optional(), email: z.string().optional() });
const Party = z.looseObject({ type: z.string(), user: SlackUser.optional() });

export const AuditEntry = z.looseObject({
  id: z.string().min(1).max(128),
  date_create: z.number().int().nonnegative(),
  action: z.string().max(128),
  actor: Party.optional(),
  entity: Party.optional(),
  context: z
    .looseObject({
      location: z
        .looseObject({ type: z.string().optional(), id: z.string().optional(), name: z.string().optional() })
        .optional(),
      ua: z.string().optional(),
      ip_address: z.string().optional(),
      session_id: z.union([z.string(), z.number()]).optional(),
    })
    .optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);

/** The user an entry is about: an anomaly's entity, else the acting user. */
export function entryUser(entry: AuditEntry): string | null {
  if (entry.action === 'anomaly' && entry.entity?.type === 'user') return entry.entity.user?.id ?? null;
  return entry.actor?.type === 'user' ? (entry.actor.user?.id ?? null) : null;
}

/** Where and how the entry's session was used: details (anomalies) first, then context. */
export function entryPlace(entry: AuditEntry): { ip: string | null; ua: string | null; sessionId: string | null } {
  const d = entry.details ?? {};
  const session = entry.context?.session_id;
  return {
    ip: text(d.ip_address) ?? text(entry.context?.ip_address),
    ua: text(d.ua) ?? text(entry.context?.ua),
    sessionId: session === undefined || session === '' ? null : String(session),
  };
}

/** Slack's anomaly reason codes (`details.reason`, a list or one string), kept to safe words. */
export function anomalyReasons(entry: AuditEntry): string[] {
  const raw = entry.details?.reason;
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  const codes = list
    .filter((r): r is string => typeof r === 'string')
    .map((r) => (/^[a-z0-9_]{1,64}$/.test(r) ? r : 'unknown'));
  return codes.length ? [...new Set(codes)] : ['unknown'];
}
