/**
 * SSF receivers as the admin API, the CLI and the dashboard speak of them (issue #12):
 * what an admin sends to add one, and what a listing shows (the bearer token only by its
 * last four characters). Shared so the dashboard's views import no server code.
 */
import { z } from 'zod';

export const SsfReceiverRequest = z
  .object({
    url: z.url({ protocol: /^https?$/, error: 'url must be an http(s) URL' }).max(2048),
    /** Optional: a receiver such as Okta authenticates the SET by its signature alone. */
    token: z
      .string()
      .min(8, 'the bearer token is too short')
      .max(4096)
      .regex(/^[\x21-\x7e]+$/, 'the bearer token must be printable ASCII without spaces')
      .optional(),
    /** The SET's `aud`; default the receiver URL's origin. */
    audience: z.string().min(1).max(512).optional(),
  })
  .strict();
export type SsfReceiverRequest = z.infer<typeof SsfReceiverRequest>;

export const SsfReceiverView = z.object({
  id: z.string(),
  url: z.string(),
  audience: z.string(),
  tokenHint: z.string(),
  createdAt: z.number(),
  createdBy: z.string(),
  lastStatus: z.string().nullable(),
  lastError: z.string().nullable(),
  lastAttemptAt: z.number().nullable(),
});
export type SsfReceiverView = z.infer<typeof SsfReceiverView>;
