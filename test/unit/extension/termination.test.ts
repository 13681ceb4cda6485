import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { readStatus } from '@/src/extension/status';
import { renderTerminated } from '@/src/extension/terminated-view';
import { afterTermination, landingUrl, terminationMessage } from '@/src/extension/termination';
import { siteDataRemoval } from '@/src/extension/slack-session';
import { fakeDocument, textOf } from './fakes';

const verdict = {
  id: 'b6f1b7a4-5a7b-4c55-9a51-9ad1e4c2b0a1',
  at: 1_800_000_000_000,
  reasons: ['excessive_downloads'],
  cookiesCleared: 3,
  local: false,
};

describe('telling the user', () => {
  beforeEach(() => fakeBrowser.reset());

  it('says what happened, what to do and whom to contact', () => {
    const message = terminationMessage(
      { reasons: ['session_cookie_injection'] },
      { supportContact: 'security@example.com' },
    );

    expect(message).toContain(
      'ended your Slack session on this browser because a Slack session cookie was placed in this browser without a sign-in',
    );
    expect(message).toContain('What to do: sign in to Slack again');
    expect(message).toContain('contact security@example.com');
  });

  it('says so when the session was ended locally while the server was unreachable', () => {
    expect(terminationMessage({ reasons: ['excessive_downloads'], local: true })).toContain(
      'while the Session Guard server was unreachable',
    );
  });

  it('notifies, clears Slack site data, sends Slack tabs to the explanation page and remembers the verdict', async () => {
    const notify = vi.spyOn(fakeBrowser.notifications, 'create').mockResolvedValue('id');
    const remove = vi.fn(async () => undefined);
    (fakeBrowser as unknown as { browsingData: unknown }).browsingData = { remove };
    // The fake's tabs.query does not match URL patterns; the real one is proven in Chromium.
    vi.spyOn(fakeBrowser.tabs, 'query').mockResolvedValue([{ id: 7, url: 'https://app.slack.com/client/T1' } as never]);
    const update = vi.spyOn(fakeBrowser.tabs, 'update').mockResolvedValue({} as never);

    await afterTermination({ id: verdict.id, reasons: ['excessive_downloads'] }, ['.slack.com'], {
      supportContact: 'x4242',
    });

    expect(notify).toHaveBeenCalledWith(
      `verdict-${verdict.id}`,
      expect.objectContaining({ title: 'Your Slack session was ended', message: expect.stringContaining('x4242') }),
    );
    const scope = import.meta.env.FIREFOX
      ? { hostnames: expect.arrayContaining(['app.slack.com', 'slack.com']) }
      : { origins: expect.arrayContaining(['https://app.slack.com', 'https://slack.com']) };
    expect(remove).toHaveBeenCalledWith(scope, expect.objectContaining({ localStorage: true, cookies: true }));
    expect(update).toHaveBeenCalledWith(7, { url: landingUrl(verdict.id) });
    expect((await readStatus())?.lastVerdict).toMatchObject({
      id: verdict.id,
      reasons: ['excessive_downloads'],
      local: false,
    });
  });

  it('clears by host name on Firefox, by origin on Chromium', () => {
    expect(siteDataRemoval(['https://app.slack.com'], true).options).toEqual({ hostnames: ['app.slack.com'] });
    expect(siteDataRemoval(['https://app.slack.com'], false).options).toEqual({ origins: ['https://app.slack.com'] });
  });
});

describe('the page a Slack tab lands on', () => {
  it('explains the verdict and links the organisation’s contact', () => {
    const doc = fakeDocument();

    const fragment = renderTerminated(doc, verdict, {
      supportUrl: 'https://help.example.com/slack',
      supportContact: 'the service desk, extension 4242',
    });
    const main = doc.createElement('main');
    main.append(fragment);

    expect(main.textContent).toContain('Your Slack session on this browser was ended');
    expect(main.textContent).toContain('Reason: an unusually large number of Slack files was downloaded.');
    expect(main.textContent).toContain('Contact: the service desk, extension 4242');
    expect(main.querySelector('a[href="https://help.example.com/slack"]')?.textContent).toBe(
      'Get help from your security team',
    );
  });

  it('falls back to plain advice without a contact, and never links a script URL', () => {
    const doc = fakeDocument();

    const plain = textOf(renderTerminated(doc, null, {}), doc);
    const main = doc.createElement('main');
    main.append(renderTerminated(doc, verdict, { supportUrl: 'javascript:alert(1)' }));

    expect(plain).toContain('Contact your IT or security team.');
    expect(main.querySelector('a[href^="javascript"]')).toBeNull();
  });
});
