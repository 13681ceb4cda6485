/**
 * The webRequest handlers themselves, apart from their registration, so the benchmark
 * (bench/extension-handlers.ts) times exactly the code Chromium runs on every matching
 * request. They stay synchronous and allocation-light: no await, no storage, a URL parse
 * and a sink call at most.
 */
import { hostOf, isSlackHost, signinStep } from '../slack-hosts';
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

/**
 * onBeforeRequest for Slack top-level navigations: reports sign-in steps as they start.
 * A started step vouches for nothing (issue #10); only `sessionSetHandler` marks a sign-in.
 */
export function signinRequestHandler(sink: SignalSink): (details: { url: string }) => undefined {
  return (details) => {
    const step = signinStep(details.url);
    if (!step) return undefined;
    void sink.record({ type: 'signin_navigation', step });
    return undefined;
  };
}

/** True when a Set-Cookie value sets a non-empty `d` (not Slack clearing it on sign-out). */
export function setsSessionCookie(value: string | undefined): boolean {
  if (!value) return false;
  // Chromium joins several Set-Cookie headers with newlines in one header value.
  return value.split('\n').some((line) => {
    const match = /^\s*d=([^;]*)/.exec(line);
    if (!match || match[1]!.trim() === '' || match[1] === 'deleted') return false;
    return !/;\s*max-age=(0|-)/i.test(line) && !/;\s*expires=[^;]*19[0-9]{2}/i.test(line);
  });
}

/**
 * onHeadersReceived for Slack hosts: a response that sets `d` is Slack completing a
 * sign-in, the only thing that vouches for a new session cookie (issue #10). A cookie
 * written by the DevTools protocol, an extension or a stealer has no such response.
 */
export function sessionSetHandler(
  sink: SignalSink,
  markSignin: (at: number) => void,
): (details: { url: string; responseHeaders?: { name: string; value?: string }[] }) => undefined {
  return (details) => {
    const headers = details.responseHeaders;
    if (!headers?.some((h) => h.name.toLowerCase() === 'set-cookie' && setsSessionCookie(h.value))) return undefined;
    const host = hostOf(details.url);
    if (!host || !isSlackHost(host)) return undefined;
    markSignin(Date.now());
    void sink.record({ type: 'signin_navigation', step: 'completed' }, { urgent: true });
    return undefined;
  };
}
