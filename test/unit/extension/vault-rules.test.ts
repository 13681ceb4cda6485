import { assert, describe, expect, it } from 'vitest';
import {
  cookiePair,
  takeSessionCookie,
  VAULT_RULE_IDS,
  vaultRules,
  withVaultCookie,
} from '@/src/extension/session-vault/vault-rules';

const D = 'xoxd-AbC%2Fdef';
const NOW = Date.parse('2026-02-08T12:00:00Z');
const attrs = 'Domain=.slack.com; Path=/; Expires=Sat, 08 Feb 2036 12:00:00 GMT; Secure; SameSite=Lax';

describe('taking d out of Slack’s response', () => {
  it('strips the d line from joined Set-Cookie lines and keeps the others', () => {
    const found = takeSessionCookie(
      [
        { name: 'content-type', value: 'text/html' },
        { name: 'set-cookie', value: `d=${D}; ${attrs}; HttpOnly\nd-s=1770552000; ${attrs}\nb=abc; ${attrs}` },
      ],
      NOW,
    );
    expect(found?.taken).toEqual({ value: D, expires: Date.parse('2036-02-08T12:00:00Z') / 1000 });
    expect(found?.headers).toEqual([
      { name: 'content-type', value: 'text/html' },
      { name: 'set-cookie', value: `d-s=1770552000; ${attrs}\nb=abc; ${attrs}` },
    ]);
  });

  it('reports Slack deleting d as a clear, ignores responses without d and a d for another domain', () => {
    expect(
      takeSessionCookie([{ name: 'Set-Cookie', value: 'd=deleted; Max-Age=0; Domain=.slack.com' }], NOW)?.taken,
    ).toBe('clear');
    expect(takeSessionCookie([{ name: 'set-cookie', value: `d-s=1; ${attrs}` }], NOW)).toBeNull();
    expect(takeSessionCookie([{ name: 'set-cookie', value: 'd=x; Domain=evil.example' }], NOW)).toBeNull();
    expect(takeSessionCookie(undefined, NOW)).toBeNull();
  });
});

describe('the rules that carry d (SameSite=Lax scope)', () => {
  const rules = vaultRules(D);

  it('appends d, never replaces the Cookie header, and owns only its ids', () => {
    expect(rules.map((r) => r.id)).toEqual([...VAULT_RULE_IDS]);
    for (const rule of rules) {
      expect(rule.action.requestHeaders).toEqual([{ header: 'cookie', operation: 'append', value: `d=${D}` }]);
      expect(rule.condition.requestDomains).toEqual(['slack.com']);
      expect(rule.condition.resourceTypes).not.toContain('websocket');
    }
  });

  it('sends d on any top-level GET, a POST navigation or a subrequest only from a Slack page', () => {
    const [navigation, post, sub] = rules;
    assert(navigation && post && sub);
    expect(navigation.condition).toMatchObject({ resourceTypes: ['main_frame'], requestMethods: ['get', 'head'] });
    expect(navigation.condition.initiatorDomains).toBeUndefined();
    expect(post.condition).toMatchObject({ initiatorDomains: ['slack.com'], excludedRequestMethods: ['get', 'head'] });
    expect(sub.condition.initiatorDomains).toEqual(['slack.com']);
    expect(sub.condition.resourceTypes).toEqual(expect.arrayContaining(['xmlhttprequest', 'sub_frame', 'other']));
    expect(sub.condition.resourceTypes).not.toContain('main_frame');
  });

  it('refuses a value that could smuggle another cookie or header', () => {
    expect(() => cookiePair('x; admin=1')).toThrow();
    expect(() => cookiePair('x\r\nX-Evil: 1')).toThrow();
    expect(cookiePair(D)).toBe(`d=${D}`);
  });
});

describe('the WebSocket handshake', () => {
  it('appends d to the Cookie header of a handshake a Slack page opened', () => {
    expect(
      withVaultCookie({ initiator: 'https://app.slack.com', requestHeaders: [{ name: 'Cookie', value: 'b=1' }] }, D),
    ).toEqual([{ name: 'Cookie', value: `b=1; d=${D}` }]);
    expect(withVaultCookie({ initiator: 'https://app.slack.com', requestHeaders: [] }, D)).toEqual([
      { name: 'Cookie', value: `d=${D}` },
    ]);
  });

  it('leaves a cross-site handshake (the attacker’s page) and an empty vault alone', () => {
    expect(withVaultCookie({ initiator: 'https://evil.example', requestHeaders: [] }, D)).toBeNull();
    expect(withVaultCookie({ initiator: 'https://slack.com.evil.example', requestHeaders: [] }, D)).toBeNull();
    expect(withVaultCookie({ requestHeaders: [] }, D)).toBeNull();
    expect(withVaultCookie({ initiator: 'https://app.slack.com', requestHeaders: [] }, null)).toBeNull();
  });
});
