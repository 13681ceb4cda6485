import { renderStatus } from '@/src/extension/popup-view';
import { VERIFY_SLACK_MESSAGE } from '@/src/extension/slack-verification';
import { readStatus } from '@/src/extension/status';

const root = document.getElementById('app')!;
// The flow runs in the service worker: the popup closes when Slack's window opens.
const verify = () => void browser.runtime.sendMessage({ type: VERIFY_SLACK_MESSAGE }).catch(() => undefined);
const draw = async () => root.replaceChildren(renderStatus(document, await readStatus(), Date.now(), verify));
void draw();
browser.storage.onChanged.addListener((_changes, area) => area === 'local' && void draw());
