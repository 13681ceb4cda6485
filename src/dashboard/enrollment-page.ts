/**
 * The page shown once after an admin rotates the enrollment token (issue #10): the new
 * token, the command that exports the managed policy holding it, and until when the
 * previous token keeps working.
 */
import { html, layout } from './html';

export function enrollmentRotatedPage(input: { token: string; previousExpiresAt: number; csrf: string }): string {
  return layout({
    title: 'Enrollment token rotated',
    csrf: input.csrf,
    active: '/devices',
    body: html`<h1>Enrollment token rotated</h1>
<p>The new enrollment token (shown once here; <code>session-guard policy export</code> prints it in the managed policy):</p>
<p><code id="enrollment-token">${input.token}</code></p>
<p>The previous token keeps working until ${new Date(input.previousExpiresAt).toISOString()}; deploy the new managed policy before then.</p>
<p><a href="/devices">Back to devices</a></p>`,
  });
}
