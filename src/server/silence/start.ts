/**
 * Runs the silence check (silence-check.ts) every `silenceCheckMs` while the app is up.
 * Every replica may run it: a silence's finding has a stable id, so two replicas that
 * see it together record it once. Nudges webhooks when it recorded something.
 */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context';
import { checkSilentDevices } from './silence-check';

export function startSilenceCheck(app: FastifyInstance, ctx: AppContext): void {
  if (!ctx.silenceCheckMs) return;
  const log = app.log.child({ component: 'silence' });
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const findings = await checkSilentDevices(ctx);
      if (findings.length > 0) {
        log.info({ findings: findings.map((f) => f.id) }, 'guard_silenced findings recorded');
        ctx.webhooks.kick();
      }
    } catch (error) {
      log.error({ err: error }, 'silence check failed');
    } finally {
      running = false;
    }
  };
  let timer: ReturnType<typeof setInterval> | undefined;
  app.addHook('onReady', async () => {
    timer = setInterval(() => void tick(), ctx.silenceCheckMs);
    timer.unref();
  });
  app.addHook('onClose', async () => clearInterval(timer));
}
