import { describe, expect, it, vi } from 'vitest';
import { contentLength, fileRequestHandler, signinRequestHandler } from '@/src/extension/collectors/request-handlers';
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

  it('mark sign-in navigations and nothing else', () => {
    const { sink, drafts } = recordingSink();
    const mark = vi.fn();
    const handle = signinRequestHandler(sink, mark);

    handle({ url: 'https://slack.com/signin' });
    handle({ url: 'https://app.slack.com/client/T1' });

    expect(drafts.map((d) => d.draft)).toEqual([{ type: 'signin_navigation', step: 'signin' }]);
    expect(mark).toHaveBeenCalledOnce();
  });
});
