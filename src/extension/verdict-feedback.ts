/**
 * "This was me" (issue #14, docs/this-was-me.md), the service worker's side: the page a
 * Slack tab lands on after a verdict asks why its session was ended and sends the user's
 * answer. Both go to the backend as requests signed with this device's key, so only the
 * device the verdict was aimed at can read the explanation or answer, once. Only this
 * extension's own pages may ask; every message is parsed before use.
 */
import { browser } from 'wxt/browser';
import { z } from 'zod';
import { VerdictAnswer, VerdictExplanation } from '@/src/shared/protocol';
import type { Enrolled } from './device-identity';
import { signedPost } from './signed-fetch';

export const VERDICT_FEEDBACK_MESSAGE = 'session-guard:verdict-feedback';

export const FeedbackRequest = z.object({
  type: z.literal(VERDICT_FEEDBACK_MESSAGE),
  verdictId: z.uuid(),
  /** Absent: only explain. */
  answer: VerdictAnswer.optional(),
});
export type FeedbackRequest = z.infer<typeof FeedbackRequest>;

export type FeedbackResponse =
  { ok: true; explanation: VerdictExplanation } | { ok: false; error: string; alreadyAnswered?: boolean };

export interface FeedbackTarget {
  stopped: boolean;
  enrolled: Promise<Enrolled>;
  policy: { backendUrl: string };
}

async function errorText(response: Response): Promise<{ code?: string; message: string }> {
  try {
    const body = (await response.json()) as { error?: unknown; message?: unknown };
    if (typeof body.message === 'string')
      return { code: typeof body.error === 'string' ? body.error : undefined, message: body.message.slice(0, 200) };
  } catch {
    // not JSON: the status says enough
  }
  return { message: `the Session Guard server answered HTTP ${response.status}` };
}

export async function handleFeedback(
  current: () => Promise<FeedbackTarget | null>,
  request: FeedbackRequest,
): Promise<FeedbackResponse> {
  const guard = await current();
  if (!guard || guard.stopped) return { ok: false, error: 'Session Guard is not set up on this browser.' };
  const device = await guard.enrolled;
  const post = (path: string, extra: object) =>
    signedPost(
      guard.policy.backendUrl,
      path,
      {
        deviceId: device.deviceId,
        verdictId: request.verdictId,
        nonce: crypto.randomUUID(),
        sentAt: Date.now(),
        ...extra,
      },
      device.keyPair.privateKey,
      device.deviceId,
    );
  try {
    if (request.answer) {
      const answered = await post('/v1/verdicts/answer', { answer: request.answer });
      if (!answered.ok) {
        const { code, message } = await errorText(answered);
        if (code !== 'already_answered') return { ok: false, error: message };
      }
    }
    const explained = await post('/v1/verdicts/explain', {});
    if (!explained.ok) return { ok: false, error: (await errorText(explained)).message };
    return { ok: true, explanation: VerdictExplanation.parse(await explained.json()) };
  } catch (error) {
    return { ok: false, error: `The Session Guard server could not be reached (${(error as Error).message}).` };
  }
}

export function listenForFeedback(current: () => Promise<FeedbackTarget | null>): void {
  browser.runtime.onMessage.addListener((message: unknown, sender) => {
    if ((message as { type?: unknown })?.type !== VERDICT_FEEDBACK_MESSAGE) return undefined;
    if (sender.id !== browser.runtime.id || !sender.url?.startsWith(browser.runtime.getURL('/'))) return undefined;
    const parsed = FeedbackRequest.safeParse(message);
    if (!parsed.success) return Promise.resolve({ ok: false, error: 'malformed request' } satisfies FeedbackResponse);
    return handleFeedback(current, parsed.data);
  });
}
