/**
 * The policy form, server side (issue #14): the page renders a card a detector and a
 * Slack anomaly with labelled fields; a draft the schema refuses comes back with the
 * schema's message beside the field it concerns (aria-describedby, aria-invalid), no
 * save button, and saving it anyway is refused with the stored version unchanged.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_ORG_POLICY } from '../../src/shared/policy/org-policy';
import { postForm, signIn, type AdminSession } from './server-support/admin-session';
import { createTestApp, type TestApp } from './server-support/test-app';
import { DIALECTS } from './server-support/test-store';

/** The attributes of the element with this id, and the text of the element with another. */
const tagWithId = (body: string, id: string) => new RegExp(`<[a-z]+ [^>]*id="${id}"[^>]*>`).exec(body)?.[0] ?? '';
const textOf = (body: string, id: string) => new RegExp(`id="${id}"[^>]*>([^<]*)<`).exec(body)?.[1] ?? '';

for (const dialect of DIALECTS) {
  describe(`policy form (${dialect})`, () => {
    let t: TestApp;
    let session: AdminSession;
    beforeEach(async () => {
      t = await createTestApp({ dialect, policy: { detectors: { tor: { action: 'alert' } } } });
      session = await signIn(t.app, t.store.db);
    });
    afterEach(async () => t.close());

    const policy = async () =>
      (await t.app.inject({ method: 'GET', url: '/api/policy', headers: { cookie: session.cookie } })).json();

    it('renders a fieldset a rule with what it catches, its action, thresholds with units, and exclusions', async () => {
      const body = (await t.app.inject({ method: 'GET', url: '/policy', headers: { cookie: session.cookie } })).body;

      expect(body.match(/<fieldset class="rule"/g)).toHaveLength(Object.keys(DEFAULT_ORG_POLICY.detectors).length + 18);
      expect(body).toContain(
        '<legend><span class="rule-title">Slack reached through a Tor exit node</span> <code>tor</code></legend>',
      );
      expect(tagWithId(body, 'f-detectors-tor-action-alert')).toContain(' checked');
      expect(tagWithId(body, 'f-detectors-tor-action-terminate')).not.toContain(' checked');
      expect(body).toContain(
        '<label for="f-detectors-excessive_downloads-windowSeconds">Window <span class="unit">(seconds)</span></label>',
      );
      expect(textOf(body, 'h-f-detectors-excessive_downloads-windowSeconds')).toBe(
        'A whole number from 10 to 86400 (seconds). Default: 600 seconds. Empty means the default.',
      );
      expect(body).toContain('<label for="f-slackAnomalies-unexpected_client-excludedGroups">Excluded groups</label>');
      expect(body).toContain('<summary>Advanced: the policy as JSON (policy as code)</summary>');
    });

    it('shows a value the schema refuses beside its field, and does not save it', async () => {
      const before = await policy();
      const draft = structuredClone(before.policy);
      draft.detectors.excessive_downloads.windowSeconds = 5;
      draft.detectors.tor.excludedGroups = ['not-a-group'];
      const document = JSON.stringify(draft, null, 2);

      const review = await postForm(t.app, '/policy/review', session, { _csrf: session.csrf, document });
      const save = await postForm(t.app, '/policy', session, {
        _csrf: session.csrf,
        document,
        baseVersion: String(before.version),
      });

      expect(review.statusCode).toBe(400);
      const window = tagWithId(review.body, 'f-detectors-excessive_downloads-windowSeconds');
      expect(window).toContain('aria-invalid="true"');
      expect(window).toContain(
        'aria-describedby="h-f-detectors-excessive_downloads-windowSeconds e-f-detectors-excessive_downloads-windowSeconds"',
      );
      expect(window).toContain('value="5"');
      expect(textOf(review.body, 'e-f-detectors-excessive_downloads-windowSeconds')).toBe(
        'Too small: expected number to be &gt;=10',
      );
      expect(textOf(review.body, 'e-f-detectors-tor-excludedGroups')).toBe(
        '0: a Slack user group id such as S0123ABCD',
      );
      expect(tagWithId(review.body, 'f-detectors-tor-excludedGroups')).toContain('aria-invalid="true"');
      expect(tagWithId(review.body, 'f-detectors-tor-action-alert')).toContain('aria-invalid="false"');
      expect(review.body).not.toContain('Save as version');
      expect(save.statusCode).toBe(400);
      expect(await policy()).toMatchObject({ version: before.version });
      expect((await policy()).policy.detectors.excessive_downloads.windowSeconds).toBe(600);
    });

    it('renders what a draft holds as text, never as markup (a reflected draft is no way in)', async () => {
      const markup = '"><img src=x onerror="window.__pwned=1">';
      const draft = { detectors: { tor: { excludedUsers: [markup] }, asn: { iocList: `</textarea>${markup}` } } };

      const review = await postForm(t.app, '/policy/review', session, {
        _csrf: session.csrf,
        document: JSON.stringify(draft),
      });

      expect(review.statusCode).toBe(200);
      expect(review.body).not.toContain('<img src=x');
      expect(review.body).toContain('&quot;&gt;&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;</textarea>');
    });
  });
}
