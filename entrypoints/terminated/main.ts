import { readPolicy } from '@/src/extension/policy-source';
import { readStatus } from '@/src/extension/status';
import { renderTerminated } from '@/src/extension/terminated-view';
import { VERDICT_FEEDBACK_MESSAGE, type FeedbackResponse } from '@/src/extension/verdict-feedback';
import { mountFeedback } from '@/src/extension/verdict-feedback-view';

const root = document.getElementById('app')!;
void (async () => {
  const [status, policy] = await Promise.all([readStatus(), readPolicy()]);
  const wanted = new URLSearchParams(location.search).get('verdict');
  const verdict = status?.lastVerdict && (!wanted || status.lastVerdict.id === wanted) ? status.lastVerdict : null;
  const support = policy.status === 'ok' ? policy.policy : {};
  root.replaceChildren(renderTerminated(document, verdict, support));
  // Issue #14: the backend explains its verdict and takes the user's answer; a local cap's has neither.
  const anchor = root.querySelector('section');
  if (!verdict || verdict.local || !anchor) return;
  await mountFeedback(
    document,
    anchor,
    (answer) =>
      browser.runtime.sendMessage({
        type: VERDICT_FEEDBACK_MESSAGE,
        verdictId: verdict.id,
        answer,
      }) as Promise<FeedbackResponse>,
  );
})();
