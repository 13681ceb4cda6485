/**
 * Runs the silence check (silence-check.ts) every `silenceCheckMs`, as a worker of the
 * composition root (workers.ts). Every replica may run it: a silence's finding has a
 * stable id, so two replicas that see it together record it once. Nudges webhooks when it
 * recorded something.
 */
import type { FastifyBaseLogger } from 'fastify';
import { createLoop, type Loop } from '../jobs/loop';
import { checkSilentDevices, type SilenceCheckDeps } from './silence-check';

export function startSilenceCheck(
  ctx: SilenceCheckDeps & { silenceCheckMs?: number },
  options: { log: FastifyBaseLogger; recorded: () => void },
): Loop | null {
  if (!ctx.silenceCheckMs) return null;
  const log = options.log.child({ component: 'silence' });
  return createLoop({
    run: async () => {
      const findings = await checkSilentDevices(ctx);
      if (findings.length === 0) return;
      log.info({ findings: findings.map((f) => f.id) }, 'guard_silenced findings recorded');
      options.recorded();
    },
    intervalMs: ctx.silenceCheckMs,
    onError: (error) => log.error({ err: error }, 'silence check failed'),
  });
}
