/**
 * The policy editor's sentence a `serverSideRevocation` mode, the one in force marked
 * (issue #12), and the one-time notice for orgs whose stored policy is not `auto`: what
 * `auto` would do for them, with a button that dismisses it for good.
 */
import { SERVER_SIDE_MODE_SENTENCES, SERVER_SIDE_MODES, type ServerSideMode } from '../shared/policy/server-side-modes';
import { csrfField, html, type SafeHtml } from './html';

export function serverSideModes(current: unknown): SafeHtml {
  return html`<section id="server-side-modes" aria-labelledby="server-side-modes-heading">
<h2 id="server-side-modes-heading"><code>serverSideRevocation</code>: what each mode does</h2>
<dl class="facts">${SERVER_SIDE_MODES.map(
    (mode: ServerSideMode) =>
      html`<dt><code>${mode}</code>${mode === current ? html` <span class="badge ok">in force</span>` : ''}</dt><dd>${SERVER_SIDE_MODE_SENTENCES[mode]}</dd>`,
  )}</dl>
</section>`;
}

export interface AutoNotice {
  /** The mode the stored policy keeps. */
  stored: string;
  /** autoWouldDo(): what `auto` would do in this org. */
  sentence: string;
}

export function autoRevocationNotice(notice: AutoNotice | null | undefined, csrf: string): SafeHtml | string {
  if (!notice) return '';
  return html`<div class="notice" role="note" id="auto-revocation-notice">
<p>Your policy keeps <code>serverSideRevocation: ${notice.stored}</code>. New policies now default to <code>auto</code>. ${notice.sentence} Change it on the <a href="/policy">Policy</a> page if you want it.</p>
<form method="post" action="/notices/auto-revocation/dismiss" class="actions">${csrfField(csrf)}<button type="submit">Dismiss</button></form>
</div>`;
}
