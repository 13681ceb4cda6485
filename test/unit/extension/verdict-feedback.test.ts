import { describe, expect, it, vi } from 'vitest';
import { handleFeedback, type FeedbackTarget } from '@/src/extension/verdict-feedback';
import { renderFeedback } from '@/src/extension/verdict-feedback-view';
import type { VerdictExplanation } from '@/src/shared/protocol';
import { fakeDocument } from './fakes';

const VERDICT_ID = '6f1c2a9e-3b7d-4e8a-9c1f-2d4b6a8e0c13';
const explanation = (over: Partial<VerdictExplanation> = {}): VerdictExplanation => ({
  verdictId: VERDICT_ID,
  reasons: [
    { code: 'unexpected_message_deletion', text: 'Slack messages were deleted at a rate no person deletes them' },
  ],
  detectedAt: 1_800_000_000_000,
  issuedAt: 1_800_000_000_000,
  what: '312 messages deleted in one minute (limit 100)',
  seenFrom: { thisDevice: true, address: '203.0.113.7', browser: 'Chrome 156 on Linux' },
  answer: null,
  ...over,
});

function mount(el: HTMLElement, doc: Document): HTMLElement {
  const main = doc.createElement('main');
  main.append(el);
  return main;
}

describe('"this was me" on the page after a verdict', () => {
  it('says which anomaly, from where, what was counted, and offers both answers', () => {
    const doc = fakeDocument();
    const onAnswer = vi.fn();

    const main = mount(renderFeedback(doc, { status: 'ready', explanation: explanation() }, onAnswer), doc);
    const buttons = [...main.querySelectorAll('button')];
    buttons[1]!.dispatchEvent(new (doc.defaultView as any).Event('click'));

    expect(main.querySelector('#detail-anomaly')!.textContent).toBe(
      'Slack messages were deleted at a rate no person deletes them (unexpected_message_deletion)',
    );
    expect(main.querySelector('#detail-where')!.textContent).toBe(
      'This browser (Chrome 156 on Linux) at the address 203.0.113.7.',
    );
    expect(main.querySelector('#detail-what')!.textContent).toBe('312 messages deleted in one minute (limit 100)');
    expect(buttons.map((b) => b.textContent)).toEqual(['This was me', 'This was not me']);
    expect(onAnswer).toHaveBeenCalledWith('not_me');
  });

  it('names another place for what Slack saw elsewhere, and shows a given answer without buttons', () => {
    const doc = fakeDocument();

    const main = mount(
      renderFeedback(
        doc,
        {
          status: 'ready',
          explanation: explanation({
            what: null,
            seenFrom: { thisDevice: false, address: '198.51.100.9', browser: 'Firefox 140 on Windows' },
            answer: { answer: 'me', answeredAt: 1_800_000_100_000 },
          }),
        },
        vi.fn(),
      ),
      doc,
    );

    expect(main.querySelector('#detail-where')!.textContent).toBe(
      'Somewhere other than this browser (Firefox 140 on Windows, seen by Slack) at the address 198.51.100.9.',
    );
    expect(main.querySelector('#detail-what')).toBeNull();
    expect(main.querySelector('button')).toBeNull();
    expect(main.textContent).toContain('You answered “This was me”');
  });

  it('says so when the details cannot be loaded', () => {
    const doc = fakeDocument();

    const main = mount(renderFeedback(doc, { status: 'error', error: 'the server is down' }, vi.fn()), doc);

    expect(main.textContent).toContain('The details could not be loaded: the server is down');
    expect(main.querySelector('button')).toBeNull();
  });

  it('asks nothing of the backend while the guard is idle', async () => {
    const fetch = vi.spyOn(globalThis, 'fetch');

    const result = await handleFeedback(async () => null, {
      type: 'session-guard:verdict-feedback',
      verdictId: VERDICT_ID,
      answer: 'me',
    });

    expect(result).toEqual({ ok: false, error: 'Session Guard is not set up on this browser.' });
    expect(fetch).not.toHaveBeenCalled();
    fetch.mockRestore();
  });

  it('after an answer the backend already holds, shows the stored one', async () => {
    const keyPair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    const target: FeedbackTarget = {
      stopped: false,
      policy: { backendUrl: 'https://guard.example.com' },
      enrolled: Promise.resolve({ deviceId: 'd'.repeat(43), keyPair } as never),
    };
    const stored = explanation({ answer: { answer: 'not_me', answeredAt: 1_800_000_050_000 } });
    const fetch = vi
      .spyOn(globalThis, 'fetch')
      .mockResolvedValueOnce(
        Response.json({ error: 'already_answered', message: 'the first answer stands' }, { status: 409 }),
      )
      .mockResolvedValueOnce(Response.json(stored));

    const result = await handleFeedback(async () => target, {
      type: 'session-guard:verdict-feedback',
      verdictId: VERDICT_ID,
      answer: 'me',
    });

    expect(result).toEqual({ ok: true, explanation: stored });
    expect(fetch.mock.calls.map(([url]) => String(url))).toEqual([
      'https://guard.example.com/v1/verdicts/answer',
      'https://guard.example.com/v1/verdicts/explain',
    ]);
    const sent = JSON.parse(String(fetch.mock.calls[0]![1]!.body));
    expect(sent).toMatchObject({ deviceId: 'd'.repeat(43), verdictId: VERDICT_ID, answer: 'me' });
    expect(Object.keys(sent).sort()).toEqual(['answer', 'deviceId', 'nonce', 'sentAt', 'verdictId']);
    fetch.mockRestore();
  });
});
