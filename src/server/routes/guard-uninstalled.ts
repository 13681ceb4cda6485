/**
 * GET /v1/uninstalled (issue #12): where Chromium goes when Session Guard is removed
 * (`runtime.setUninstallURL`, src/extension/uninstall-url.ts). The link must carry the
 * named device's signature over `uninstallSignedText`; only then is a `guard_silenced`
 * finding recorded (once per link). Anything else — unknown device, revoked key, bad or
 * missing signature — records nothing and gets the same plain page, so the route tells a
 * prober nothing about which devices exist.
 */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { importPublicJwk, verify, type PublicJwk } from '../../shared/crypto/signing';
import { UNINSTALL_PATH, uninstallSignedText } from '../../shared/protocol/uninstall';
import type { AppContext } from '../app-context';
import { findDevice } from '../db/devices';
import { isRevoked } from '../http/device-revocation';
import { content } from '../http/route-schemas';
import { currentPolicy } from '../policy/policy-store';
import { uninstalled } from '../silence/guard-silenced';
import { recordGuardSilenced } from '../silence/record-silence';

const Query = z.object({
  d: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  t: z.string().regex(/^\d{1,15}$/),
  s: z.string().regex(/^[A-Za-z0-9_-]{86}$/),
});

const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Session Guard</title></head>
<body><h1>Session Guard was removed from this browser</h1>
<p>Your organisation requires Session Guard in this browser to protect your Slack session.
If you did not mean to remove it, tell your IT or security team.</p></body></html>`;

export const guardUninstalledRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  // The query is checked by hand, not by a schema: every link, good or bad, gets the same page.
  const schema = {
    summary:
      "The extension's uninstall link (d, t, s signed by the device key): records guard_silenced for that device",
    tags: ['devices'],
    response: { 200: content('text/html', 'The same page whatever the link holds') },
  };
  app.get(UNINSTALL_PATH.replace(/^\/v1/, ''), { schema }, async (req, reply) => {
    const recorded = await believe(ctx, req.query).catch((error: unknown) => {
      req.log.error({ err: error }, 'uninstall link check failed');
      return false;
    });
    if (recorded) req.log.info({ deviceId: (req.query as { d: string }).d }, 'guard uninstalled');
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(PAGE);
  });
};

/** True when the link is this device's own and its finding was recorded now. */
async function believe(ctx: AppContext, query: unknown): Promise<boolean> {
  const parsed = Query.safeParse(query);
  if (!parsed.success) return false;
  const { d, t, s } = parsed.data;
  const device = await findDevice(ctx.db, d);
  if (!device || isRevoked(device)) return false;
  const key = await importPublicJwk(JSON.parse(device.public_key) as PublicJwk);
  if (!(await verify(key, s, uninstallSignedText(d, Number(t))))) return false;
  const now = ctx.now();
  const active = await currentPolicy(ctx.db, now);
  if (!active.policy.detectors.guard_silenced?.enabled) return false;
  const silent = { id: device.id, userAgent: device.user_agent, lastSeenAt: Number(device.last_seen_at) };
  const finding = await recordGuardSilenced(
    ctx,
    active,
    device,
    uninstalled(silent, Number(t), now),
    `uninstalled:${d}:${t}`,
    now,
  );
  return finding !== null;
}
