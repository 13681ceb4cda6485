// The offscreen document: answers the service worker's one question (screen and WebGL)
// and is closed right after. Only messages from this extension are answered.
import { PAGE_COMPONENTS_REQUEST } from '@/src/extension/fingerprint/fingerprint-source';
import { readPageComponents } from '@/src/extension/fingerprint/page-components';

browser.runtime.onMessage.addListener((message: unknown, sender) => {
  if (sender.id !== browser.runtime.id || (message as { type?: unknown })?.type !== PAGE_COMPONENTS_REQUEST)
    return undefined;
  return Promise.resolve(readPageComponents(window));
});
