import { readPolicy } from '@/src/extension/policy-source';
import { readStatus } from '@/src/extension/status';
import { renderTerminated } from '@/src/extension/terminated-view';

const root = document.getElementById('app')!;
void (async () => {
  const [status, policy] = await Promise.all([readStatus(), readPolicy()]);
  const wanted = new URLSearchParams(location.search).get('verdict');
  const verdict = status?.lastVerdict && (!wanted || status.lastVerdict.id === wanted) ? status.lastVerdict : null;
  const support = policy.status === 'ok' ? policy.policy : {};
  root.replaceChildren(renderTerminated(document, verdict, support));
})();
