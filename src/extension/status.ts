/**
 * What the popup shows: a small record in storage.local that the service worker keeps
 * current. Parsed on read (storage is a trust boundary); plain words only.
 */
import { browser } from 'wxt/browser';
import { z } from 'zod';

export const ProtectionStatus = z.object({
  policy: z.enum(['missing', 'invalid', 'ok']),
  /** Where the policy comes from, in words: Chrome's managed storage or Firefox's enterprise policy. */
  policySource: z.string().nullable().default(null),
  problems: z.array(z.string()).default([]),
  backendUrl: z.string().nullable().default(null),
  enrolled: z.boolean().default(false),
  /** The backend refuses this device's key (revoked by an admin). */
  revoked: z.boolean().default(false),
  /** Enrolled in approval mode: the backend waits for an administrator to approve this browser. */
  pendingApproval: z.boolean().default(false),
  /** The live verdict channel (WebSocket) is open. */
  connected: z.boolean().default(false),
  /** The last HTTP exchange with the backend succeeded; null before the first. */
  reachable: z.boolean().nullable().default(null),
  lastError: z.string().nullable().default(null),
  lastReportAt: z.number().nullable().default(null),
  lastVerdict: z
    .object({
      id: z.string(),
      at: z.number(),
      reasons: z.array(z.string()),
      cookiesCleared: z.number(),
      /** Ended by a local cap while the backend was unreachable. */
      local: z.boolean().default(false),
    })
    .nullable()
    .default(null),
  /** The local cap in words, when policy sets one. */
  localCap: z.string().nullable().default(null),
  /** When the background (Chromium's worker, Firefox's event page) last started: it sleeps when idle. */
  backgroundStartedAt: z.number().nullable().default(null),
  pendingSignals: z.number().default(0),
  /** Sign in with Slack for the user the Slack page shows (issue #10, slack-verification.ts). */
  slackIdentity: z
    .object({
      state: z.enum(['verified', 'needs_consent', 'not_configured', 'failed']),
      userId: z.string(),
      teamId: z.string().nullable(),
      verifiedAt: z.number().nullable(),
      error: z.string().nullable(),
    })
    .nullable()
    .default(null),
  /** Issue #13: the session vault as the org asked for it and as it runs here, with why it is off. */
  sessionVault: z
    .object({
      requested: z.enum(['off', 'memory', 'sealed']),
      mode: z.enum(['off', 'memory', 'sealed']),
      reason: z.string().nullable(),
    })
    .nullable()
    .default(null),
});
export type ProtectionStatus = z.infer<typeof ProtectionStatus>;

const KEY = 'status';

export async function readStatus(): Promise<ProtectionStatus | null> {
  const stored = (await browser.storage.local.get(KEY))[KEY];
  const parsed = ProtectionStatus.safeParse(stored);
  return parsed.success ? parsed.data : null;
}

let writes: Promise<unknown> = Promise.resolve();

/** Merges a patch; writes are serialised so two patches never overwrite each other. */
export function updateStatus(patch: Partial<ProtectionStatus>): Promise<void> {
  const run = writes.then(async () => {
    const current = (await readStatus()) ?? ProtectionStatus.parse({ policy: 'missing' });
    await browser.storage.local.set({ [KEY]: { ...current, ...patch } });
  });
  writes = run.catch(() => undefined);
  return run;
}
