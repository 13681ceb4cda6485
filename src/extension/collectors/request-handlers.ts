/**
 * The webRequest handlers themselves, apart from their registration, so the benchmark
 * (bench/extension-handlers.ts) times exactly the code Chromium runs on every matching
 * request. They stay synchronous and allocation-light: no await, no storage, a URL parse
 * and a sink call at most.
 */
import { hostOf, signinStep } from '../slack-hosts';
import type { SignalSink } from './types';

export interface CompletedDetails {
  url: string;
  fromCache: boolean;
  statusCode: number;
  responseHeaders?: { name: string; value?: string }[];
}

export function contentLength(headers: { name: string; value?: string }[] | undefined): number {
  const header = headers?.find((h) => h.name.toLowerCase() === 'content-length');
  const value = header?.value ? Number.parseInt(header.value, 10) : NaN;
  return Number.isFinite(value) && value >= 0 ? value : 0;
}

/** onCompleted for Slack file hosts: one `download` signal per file the page fetched. */
export function fileRequestHandler(sink: SignalSink): (details: CompletedDetails) => void {
  return (details) => {
    if (details.fromCache || details.statusCode < 200 || details.statusCode >= 300) return;
    const host = hostOf(details.url);
    if (!host) return;
    const bytes = contentLength(details.responseHeaders);
    void sink.record({ type: 'download', source: 'web_request', host, bytes }, { urgent: true });
  };
}

/** onBeforeRequest for Slack top-level navigations: marks sign-in steps. */
export function signinRequestHandler(
  sink: SignalSink,
  markSignin: (at: number) => void,
): (details: { url: string }) => undefined {
  return (details) => {
    const step = signinStep(details.url);
    if (!step) return undefined;
    markSignin(Date.now());
    void sink.record({ type: 'signin_navigation', step });
    return undefined;
  };
}
