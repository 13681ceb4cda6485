/**
 * Slack file volume: completed downloads from Slack's file hosts (downloads API) and files
 * fetched by the page from those hosts (webRequest), counted in bytes and files. Only the
 * host and the size leave the device, never a file name or URL path.
 */
import { browser } from 'wxt/browser';
import { hostOf, isSlackFileHost, SLACK_FILE_PATTERNS } from '../slack-hosts';
import type { SignalSink } from './types';

/**
 * Request types the page uses to fetch file content. Navigations (`main_frame`, `other`)
 * that turn into downloads are counted by the downloads API instead, so none is counted twice.
 */
const FETCH_TYPES = ['xmlhttprequest', 'image', 'media', 'object'] as const;

export function contentLength(headers: { name: string; value?: string }[] | undefined): number {
  const header = headers?.find((h) => h.name.toLowerCase() === 'content-length');
  const value = header?.value ? Number.parseInt(header.value, 10) : NaN;
  return Number.isFinite(value) && value >= 0 ? value : 0;
}

export function watchDownloads(sink: SignalSink): void {
  browser.downloads.onChanged.addListener((delta) => {
    if (delta.state?.current !== 'complete') return;
    void (async () => {
      const [item] = await browser.downloads.search({ id: delta.id });
      const host = item && hostOf(item.finalUrl || item.url);
      if (!item || !host || !isSlackFileHost(host)) return;
      const bytes = item.fileSize >= 0 ? item.fileSize : Math.max(item.totalBytes, item.bytesReceived, 0);
      sink.record({ type: 'download', source: 'downloads_api', host, bytes }, { urgent: true });
    })();
  });

  browser.webRequest.onCompleted.addListener(
    (details) => {
      if (details.fromCache || details.statusCode < 200 || details.statusCode >= 300) return;
      const host = hostOf(details.url);
      if (!host) return;
      const bytes = contentLength(details.responseHeaders);
      sink.record({ type: 'download', source: 'web_request', host, bytes }, { urgent: true });
    },
    { urls: SLACK_FILE_PATTERNS, types: [...FETCH_TYPES] },
    ['responseHeaders'],
  );
}
