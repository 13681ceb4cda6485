/**
 * What the popup shows: a small record in storage.local that the service worker keeps
 * current. Parsed on read (storage is a trust boundary); plain words only.
 */
import { browser } from 'wxt/browser';
import { z } from 'zod';

export const ProtectionStatus = z.object({
  policy: z.enum(['missing', 'invalid', 'ok']),
  problems: z.array(z.string()).default([]),
  backendUrl: z.string().nullable().default(null),
  enrolled: z.boolean().default(false),
  connected: z.boolean().default(false),
  lastError: z.string().nullable().default(null),
  lastReportAt: z.number().nullable().default(null),
  lastVerdict: z
    .object({ id: z.string(), at: z.number(), reasons: z.array(z.string()), cookiesCleared: z.number() })
    .nullable()
    .default(null),
  pendingSignals: z.number().default(0),
});
export type ProtectionStatus = z.infer<typeof ProtectionStatus>;

const KEY = 'status';

export async function readStatus(): Promise<ProtectionStatus | null> {
  const stored = (await browser.storage.local.get(KEY))[KEY];
  const parsed = ProtectionStatus.safeParse(stored);
  return parsed.success ? parsed.data : null;
}

export async function updateStatus(patch: Partial<ProtectionStatus>): Promise<void> {
  const current = (await readStatus()) ?? ProtectionStatus.parse({ policy: 'missing' });
  await browser.storage.local.set({ [KEY]: { ...current, ...patch } });
}
