/**
 * Slack file volume: completed downloads from Slack's file hosts (downloads API) and files
 * fetched by the page from those hosts (webRequest), counted in bytes and files. Only the
 * host and the size leave the device, never a file name or URL path.
 */
import { browser } from 'wxt/browser';
import { hostOf, isSlackFileHost, SLACK_FILE_PATTERNS } from '../slack-hosts';
import { fileRequestHandler } from './request-handlers';
import type { SignalSink } from './types';

export { contentLength } from './request-handlers';

/**
 * Request types the page uses to fetch file content. Navigations (`main_frame`, `other`)
 * that turn into downloads are counted by the downloads API instead, so none is counted twice.
 */
const FETCH_TYPES = ['xmlhttprequest', 'image', 'media', 'object'] as const;

export function watchDownloads(sink: SignalSink): void {
  browser.downloads.onChanged.addListener((delta) => {
    if (delta.state?.current !== 'complete') return;
    void (async () => {
      const [item] = await browser.downloads.search({ id: delta.id });
      const host = item && hostOf(item.finalUrl || item.url);
      if (!item || !host || !isSlackFileHost(host)) return;
      const bytes = item.fileSize >= 0 ? item.fileSize : Math.max(item.totalBytes, item.bytesReceived, 0);
      void sink.record({ type: 'download', source: 'downloads_api', host, bytes }, { urgent: true });
    })();
  });

  browser.webRequest.onCompleted.addListener(
    fileRequestHandler(sink),
    { urls: SLACK_FILE_PATTERNS, types: [...FETCH_TYPES] },
    ['responseHeaders'],
  );
}
