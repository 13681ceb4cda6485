/**
 * Small typed factories for the extension's unit tests (WXT's fakeObjectCreator style):
 * a policy, a recording sink, a navigator, a DOM document.
 */
import { parseHTML } from 'linkedom';
import { vi } from 'vitest';
import type { ManagedPolicy } from '@/src/shared/policy/managed-policy';
import type { SignalDraft, SignalSink } from '@/src/extension/collectors/types';
import type { NavigatorLike } from '@/src/extension/fingerprint/worker-components';

export const fakePolicy = (over: Partial<ManagedPolicy> = {}): ManagedPolicy => ({
  backendUrl: 'https://guard.example.com',
  enrollmentToken: 'tok_0123456789abcdef',
  verdictPublicKey: 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE' + 'A'.repeat(60),
  ...over,
});

export function recordingSink(accept = true) {
  const drafts: { draft: SignalDraft; options?: { urgent?: boolean; sessionKey?: string | null } }[] = [];
  const sink: SignalSink = {
    record: vi.fn(async (draft, options) => {
      drafts.push({ draft, options });
      return accept;
    }),
  };
  return { sink, drafts };
}

export const fakeNavigator = (over: Partial<NavigatorLike> = {}): NavigatorLike => ({
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0.0.0',
  platform: 'Linux x86_64',
  hardwareConcurrency: 8,
  deviceMemory: 8,
  languages: ['en-GB', 'en'],
  userAgentData: {
    getHighEntropyValues: async () => ({
      platform: 'Linux',
      platformVersion: '6.1.0',
      architecture: 'x86',
      bitness: '64',
      model: '',
      mobile: false,
      fullVersionList: [
        { brand: 'Not=A?Brand', version: '24.0.0.0' },
        { brand: 'Chromium', version: '156.0.8078.79' },
      ],
    }),
  },
  ...over,
});

export function fakeDocument(): Document {
  return parseHTML('<!doctype html><html><body><main id="app"></main></body></html>').document as unknown as Document;
}

/** The text a user reads (or a screen reader) in a rendered fragment. */
export function textOf(fragment: DocumentFragment, doc: Document): string {
  const main = doc.createElement('main');
  main.append(fragment);
  return (main.textContent ?? '').replace(/\s+/g, ' ');
}
