/** The sign-in page: one field labelled "Password" and a button named "Sign in" (DESIGN.md). */
import { html, layout } from './html';

export function loginPage(error?: string): string {
  const message = error ? html`<p class="error" role="alert">${error}</p>` : '';
  return layout({
    title: 'Sign in',
    body: html`<div class="login">
<h1>Session Guard</h1>
${message}
<form method="post" action="/login">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required autofocus>
<button type="submit">Sign in</button>
</form>
</div>`,
  });
}
