import { describe, expect, it, vi } from 'vitest';
import {
  contentLength,
  fileRequestHandler,
  sessionSetHandler,
  setsSessionCookie,
  signinRequestHandler,
} from '@/src/extension/collectors/request-handlers';
import { recordingSink } from './fakes';

const completed = (over: object = {}) => ({
  url: 'https://files.slack.com/files-pri/T1-F1/download/report.pdf',
  fromCache: false,
  statusCode: 200,
  responseHeaders: [{ name: 'Content-Length', value: '65536' }],
  ...over,
});

describe('webRequest handlers', () => {
  it('report a fetched Slack file by host and size only', () => {
    const { sink, drafts } = recordingSink();

    fileRequestHandler(sink)(completed());

    expect(drafts).toEqual([
      {
        draft: { type: 'download', source: 'web_request', host: 'files.slack.com', bytes: 65536 },
        options: { urgent: true },
      },
    ]);
    expect(JSON.stringify(drafts)).not.toContain('report.pdf');
  });

  it('ignore cached and failed responses', () => {
    const { sink, drafts } = recordingSink();
    const handle = fileRequestHandler(sink);

    handle(completed({ fromCache: true }));
    handle(completed({ statusCode: 302 }));
    handle(completed({ statusCode: 404 }));

    expect(drafts).toEqual([]);
  });

  it('read a missing or bogus Content-Length as zero', () => {
    expect(contentLength(undefined)).toBe(0);
    expect(contentLength([{ name: 'content-length', value: '-5' }])).toBe(0);
    expect(contentLength([{ name: 'content-length', value: 'abc' }])).toBe(0);
  });

  it('report sign-in navigations as started steps that vouch for nothing', () => {
    const { sink, drafts } = recordingSink();
    const handle = signinRequestHandler(sink);

    handle({ url: 'https://slack.com/signin' });
    handle({ url: 'https://app.slack.com/client/T1' });

    expect(drafts.map((d) => d.draft)).toEqual([{ type: 'signin_navigation', step: 'signin' }]);
  });

  it('mark a sign-in completed only when Slack answers with a Set-Cookie for d', () => {
    const { sink, drafts } = recordingSink();
    const mark = vi.fn();
    const handle = sessionSetHandler(sink, mark);
    const header = (value: string) => [{ name: 'Set-Cookie', value }];

    handle({ url: 'https://slack.com/signin', responseHeaders: [{ name: 'content-type', value: 'text/html' }] });
    handle({ url: 'https://slack.com/signout', responseHeaders: header('d=; Max-Age=0; Domain=.slack.com') });
    handle({
      url: 'https://slack.com/signout',
      responseHeaders: header('d=deleted; expires=Thu, 01-Jan-1970 00:00:01 GMT'),
    });
    handle({ url: 'https://evil.example/', responseHeaders: header('d=xoxd-abc; Domain=.slack.com') });
    handle({
      url: 'https://slack.com/signin',
      responseHeaders: header('b=1; Domain=.slack.com\nd=xoxd-abc; Domain=.slack.com'),
    });

    expect(drafts.map((d) => d.draft)).toEqual([{ type: 'signin_navigation', step: 'completed' }]);
    expect(mark).toHaveBeenCalledOnce();
  });

  it('read set-cookie lines for d without mistaking d-s or other names', () => {
    expect(setsSessionCookie('d-s=1700000000; Domain=.slack.com')).toBe(false);
    expect(setsSessionCookie('xd=1')).toBe(false);
    expect(setsSessionCookie('d=xoxd-1; Max-Age=315360000; Secure; HttpOnly')).toBe(true);
    expect(setsSessionCookie(undefined)).toBe(false);
  });
});
