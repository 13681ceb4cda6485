/**
 * A `team.accessLogs` login as Slack documents it (issue #12): an aggregate per (user,
 * address, user agent) with `date_first`, `date_last` (Unix seconds) and `count`, plus
 * `isp`, `country`, `region`. Parsed leniently: unknown fields pass; a login without a
 * user, an address or `date_last` is unusable, never the whole page. Its activity key is
 * (user, ip, ua, date_last): the same aggregate read twice is one key, and an aggregate
 * whose `date_last` moved is new activity with a new key.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { callMethod, type SlackEndpoints } from './web-api';

export const AccessLogin = z.looseObject({
  user_id: z.string().min(1).max(64),
  username: z.string().max(256).optional(),
  date_first: z.number().int().nonnegative().optional(),
  date_last: z.number().int().nonnegative(),
  count: z.number().int().nonnegative().optional(),
  ip: z.string().max(64).nullable().optional(),
  user_agent: z.string().max(1024).nullable().optional(),
  isp: z.string().max(256).nullable().optional(),
  country: z.string().max(64).nullable().optional(),
  region: z.string().max(128).nullable().optional(),
});
export type AccessLogin = z.infer<typeof AccessLogin>;

/** The activity key: 40 hex characters of SHA-256 over (user, ip, ua, date_last). */
export function accessLoginKey(login: AccessLogin): string {
  const text = JSON.stringify([login.user_id, login.ip ?? '', login.user_agent ?? '', login.date_last]);
  return createHash('sha256').update(text).digest('hex').slice(0, 40);
}

export interface AccessLogQuery {
  /** Unix seconds, inclusive: logins whose `date_last` is at or before it. */
  before: number;
  count: number;
  page: number;
}

export interface AccessLogPage {
  logins: unknown[];
  /** Slack's `paging.pages`, when sent. */
  pages: number | null;
}

/** One page of `team.accessLogs` (Tier 2); Slack answers newest `date_last` first. */
export async function fetchAccessLogs(
  endpoints: SlackEndpoints,
  token: string,
  query: AccessLogQuery,
): Promise<AccessLogPage> {
  const { body } = await callMethod(endpoints, token, 'team.accessLogs', {
    before: query.before,
    count: query.count,
    page: query.page,
  });
  const paging = body.paging as { pages?: unknown } | undefined;
  return {
    logins: Array.isArray(body.logins) ? body.logins : [],
    pages: typeof paging?.pages === 'number' ? paging.pages : null,
  };
}
