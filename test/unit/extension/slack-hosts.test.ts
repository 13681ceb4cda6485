import { describe, expect, it } from 'vitest';
import { isSlackFileHost, isSlackHost, signinStep, slackOrigins } from '@/src/extension/slack-hosts';
import { isSlackSessionCookie } from '@/src/extension/collectors/session-cookie';
import { contentLength } from '@/src/extension/collectors/downloads';
import { terminationMessage } from '@/src/extension/termination';

describe('Slack hosts', () => {
  it('knows Slack from look-alikes', () => {
    expect(isSlackHost('app.slack.com')).toBe(true);
    expect(isSlackHost('slack.com')).toBe(true);
    expect(isSlackHost('evilslack.com')).toBe(false);
    expect(isSlackHost('slack.com.evil.net')).toBe(false);
    expect(isSlackFileHost('files.slack.com')).toBe(true);
    expect(isSlackFileHost('app.slack.com')).toBe(false);
  });

  it.each([
    ['https://slack.com/signin', 'signin'],
    ['https://acme.slack.com/signin?redir=%2F', 'signin'],
    ['https://slack.com/checkcookie?redir=x', 'checkcookie'],
    ['https://acme.slack.com/sso/saml/start', 'sso'],
    ['https://app.slack.com/t/acme/login/z-app-123-abc', 'magic_link'],
    ['https://app.slack.com/client/T123', null],
    ['https://evil.example/signin', null],
  ])('classifies %s as %s', (url, step) => {
    expect(signinStep(url)).toBe(step);
  });

  it('lists the origins whose site data holds a Slack session', () => {
    expect(slackOrigins(['.slack.com', 'acme.slack.com', 'example.com'])).toEqual(
      expect.arrayContaining(['https://app.slack.com', 'https://slack.com', 'https://acme.slack.com']),
    );
    expect(slackOrigins(['example.com'])).not.toContain('https://example.com');
  });

  it('recognises only the `d` cookie on .slack.com as the session', () => {
    expect(isSlackSessionCookie({ name: 'd', domain: '.slack.com' })).toBe(true);
    expect(isSlackSessionCookie({ name: 'd-s', domain: '.slack.com' })).toBe(false);
    expect(isSlackSessionCookie({ name: 'd', domain: '.evil.com' })).toBe(false);
  });

  it('reads a response size from Content-Length and nothing else', () => {
    expect(contentLength([{ name: 'Content-Length', value: '65536' }])).toBe(65536);
    expect(contentLength([{ name: 'content-type', value: 'x' }])).toBe(0);
    expect(contentLength(undefined)).toBe(0);
  });

  it('tells the user why in plain words', () => {
    expect(terminationMessage({ reasons: ['excessive_downloads'] })).toContain('unusually large number of Slack files');
  });
});
