import { describe, expect, it } from 'vitest';
import { describe as describeStatus, renderStatus, rows } from '@/src/extension/popup-view';
import { ProtectionStatus } from '@/src/extension/status';
import { fakeDocument, textOf } from './fakes';

const NOW = 1_800_000_000_000;
const status = (over: Partial<ProtectionStatus> = {}) =>
  ProtectionStatus.parse({
    policy: 'ok',
    policySource: 'Chrome managed policy (chrome.storage.managed), set by your organisation',
    backendUrl: 'https://guard.example.com',
    enrolled: true,
    connected: true,
    reachable: true,
    lastReportAt: NOW - 30_000,
    ...over,
  });

describe('popup', () => {
  it('says plainly when the organisation has set no policy, and shows nothing else', () => {
    const doc = fakeDocument();

    const text = textOf(renderStatus(doc, ProtectionStatus.parse({ policy: 'missing' }), NOW), doc);

    expect(text).toContain('Not protected');
    expect(text).toContain('has not set a Session Guard policy');
    expect(text).not.toContain('Last report');
  });

  it('names each problem of an invalid policy', () => {
    const { level, headline } = describeStatus(
      ProtectionStatus.parse({ policy: 'invalid', problems: ['backendUrl: must be an http(s) URL'] }),
    );

    expect(level).toBe('bad');
    expect(headline).toContain('backendUrl: must be an http(s) URL');
  });

  it('shows policy source, server, last report and last verdict in plain words', () => {
    const doc = fakeDocument();
    const s = status({
      lastVerdict: { id: 'v1', at: NOW - 120_000, reasons: ['excessive_downloads'], cookiesCleared: 3, local: false },
    });

    const text = textOf(renderStatus(doc, s, NOW), doc);

    expect(text).toContain('Protected: your Slack session is watched');
    expect(text).toContain('Chrome managed policy');
    expect(text).toContain('https://guard.example.com: connected, verdicts arrive instantly');
    expect(text).toContain('sent 30 seconds ago');
    expect(text).toContain(
      'Your Slack session was ended 2 min ago by your organisation, because an unusually large number of Slack files was downloaded.',
    );
  });

  it('says what is wrong when the server cannot be reached', () => {
    const s = status({
      connected: false,
      reachable: false,
      lastError: 'backend unreachable: Failed to fetch',
      pendingSignals: 4,
    });

    const table = Object.fromEntries(rows(s, NOW));

    expect(describeStatus(s).headline).toContain('cannot be reached right now');
    expect(table.Server).toBe('https://guard.example.com: not reachable');
    expect(table['Waiting to send']).toBe('4 reports');
    expect(table.Problem).toBe('backend unreachable: Failed to fetch');
  });

  it('says when the security team revoked this browser', () => {
    expect(describeStatus(status({ revoked: true })).headline).toMatch(/^Disconnected: your security team revoked/);
  });

  it('renders text from storage as text, never as markup', () => {
    const doc = fakeDocument();
    const s = status({ lastError: '<img src=x onerror=alert(1)>' });

    const fragment = renderStatus(doc, s, NOW);
    const main = doc.createElement('main');
    main.append(fragment);

    expect(main.querySelector('img')).toBeNull();
    expect(main.textContent).toContain('<img src=x onerror=alert(1)>');
  });
});
