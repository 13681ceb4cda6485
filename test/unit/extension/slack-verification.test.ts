import { describe, expect, it, vi } from 'vitest';
import { renderStatus } from '@/src/extension/popup-view';
import { authorizeUrl } from '@/src/extension/slack-verification';
import { ProtectionStatus } from '@/src/extension/status';
import { fakeDocument, textOf } from './fakes';

const NOW = 1_800_000_000_000;
const status = (slackIdentity: Partial<NonNullable<ProtectionStatus['slackIdentity']>> & { state: string }) =>
  ProtectionStatus.parse({
    policy: 'ok',
    backendUrl: 'https://guard.example.com',
    enrolled: true,
    reachable: true,
    slackIdentity: { userId: 'U0ALICE001', teamId: 'T0SGUARD01', verifiedAt: null, error: null, ...slackIdentity },
  });

describe('Sign in with Slack in the popup', () => {
  it('offers one button with the reason when Slack wants the user’s consent, and runs the flow on click', () => {
    const doc = fakeDocument();
    const onVerify = vi.fn();

    const fragment = renderStatus(doc, status({ state: 'needs_consent' }), NOW, onVerify);
    const main = doc.createElement('main');
    main.append(fragment);
    const button = main.querySelector('button')!;
    button.dispatchEvent(new (doc.defaultView as any).Event('click'));

    expect(main.textContent).toContain('U0ALICE001, not confirmed yet');
    expect(main.textContent).toContain(
      'Your security team needs Slack to confirm which Slack account this browser uses, so that a stolen session can also be ended at Slack.',
    );
    expect(button.textContent).toBe('Verify with Slack');
    expect(onVerify).toHaveBeenCalledTimes(1);
  });

  it('shows a confirmed account without any button', () => {
    const doc = fakeDocument();

    const text = textOf(renderStatus(doc, status({ state: 'verified', verifiedAt: NOW - 2000 }), NOW, vi.fn()), doc);

    expect(text).toContain('U0ALICE001, confirmed by Slack just now');
    expect(text).not.toContain('Verify with Slack');
  });

  it('says when the organisation has not turned it on, and offers nothing to click', () => {
    const doc = fakeDocument();

    const text = textOf(renderStatus(doc, status({ state: 'not_configured' }), NOW, vi.fn()), doc);

    expect(text).toContain('has not turned on Sign in with Slack');
    expect(text).not.toContain('Verify with Slack');
  });

  it('asks Slack for exactly the documented authorize parameters', () => {
    const url = new URL(
      authorizeUrl(
        {
          configured: true,
          clientId: '111.222',
          authorizeUrl: 'https://slack.com/openid/connect/authorize',
          scopes: 'openid email',
          nonce: 'n'.repeat(43),
          expiresAt: NOW,
          verified: null,
        },
        'https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/slack',
        'state-1',
        'T0SGUARD01',
      ),
    );

    expect(url.origin + url.pathname).toBe('https://slack.com/openid/connect/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      scope: 'openid email',
      client_id: '111.222',
      redirect_uri: 'https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/slack',
      state: 'state-1',
      nonce: 'n'.repeat(43),
      team: 'T0SGUARD01',
    });
  });
});
