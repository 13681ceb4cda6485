/**
 * The extension's managed policy (chrome.storage.managed), as an admin deploys it.
 * Re-validated on every read: storage is a trust boundary. Keys here and in
 * `public/managed_schema.json` must agree (a unit test compares them).
 */
import { z } from 'zod';
import { backendUrlProblem } from './backend-url';

const SpkiKey = z.string().min(80, 'verdictPublicKey must be a base64 SPKI public key').max(400);

export const ManagedPolicy = z.object({
  backendUrl: z
    .url({ protocol: /^https?$/, error: 'backendUrl must be an https URL' })
    // https except on loopback (issue #10): the message names the rule, for the popup.
    .superRefine((url, ctx) => {
      // Other schemes are already reported by the check above: say it once.
      const problem = /^http:/i.test(url) ? backendUrlProblem(url) : null;
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .transform((url) => url.replace(/\/+$/, '')),
  enrollmentToken: z.string().min(16, 'enrollmentToken is too short'),
  /** The key the backend signs with now (the newest); every extension version reads it. */
  verdictPublicKey: SpkiKey,
  /**
   * Every key a verdict may be signed with, newest first (docs/adr/0003-verdict-key-rotation.md):
   * after `session-guard verdict-key rotate` the exported policy lists the new key and the
   * old ones, so a device accepts verdicts from either while the new policy rolls out.
   */
  verdictPublicKeys: z.array(SpkiKey).min(1).max(8).optional(),
  /** Seconds between verdict polls when the WebSocket is down (alarms: 30 s at least). */
  pollIntervalSeconds: z.number().int().min(30).max(3600).optional(),
  /** Seconds a non-urgent signal may wait to be batched. */
  flushIntervalSeconds: z.number().int().min(1).max(600).optional(),
  /**
   * Local hard caps (issue #4): while the backend is unreachable, more Slack files (or
   * bytes) than this within `localWindowSeconds` end the session on the device itself.
   */
  localMaxFilesPerWindow: z.number().int().min(1).max(100_000).optional(),
  // Chromium policy integers are 32-bit: a larger value would fail its schema check.
  localMaxBytesPerWindow: z.number().int().min(1).max(2_147_483_647).optional(),
  localWindowSeconds: z.number().int().min(10).max(86_400).optional(),
  /** Days after which the device key is replaced by a new one the backend links to it. */
  keyRotationDays: z.number().int().min(1).max(3650).optional(),
  /** Where the "session ended" page sends the user: an https link and/or plain words. */
  supportUrl: z.url({ protocol: /^https$/, error: 'supportUrl must be an https URL' }).optional(),
  supportContact: z.string().min(1).max(200).optional(),
});
export type ManagedPolicy = z.infer<typeof ManagedPolicy>;

export type ManagedPolicyState =
  { status: 'missing' } | { status: 'invalid'; problems: string[] } | { status: 'ok'; policy: ManagedPolicy };

export function readManagedPolicy(raw: unknown): ManagedPolicyState {
  if (!raw || typeof raw !== 'object' || Object.keys(raw).length === 0) return { status: 'missing' };
  const result = ManagedPolicy.safeParse(raw);
  if (result.success) return { status: 'ok', policy: result.data };
  return {
    status: 'invalid',
    problems: result.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)),
  };
}
