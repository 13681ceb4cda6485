/**
 * The org policy's `serverSideRevocation` modes and what each does, in one sentence an
 * admin reads in the policy editor (issue #12). Shared, so the schema, the dashboard and
 * the backend's notice say the same thing.
 */
export const SERVER_SIDE_MODES = ['auto', 'none', 'session', 'user'] as const;
export type ServerSideMode = (typeof SERVER_SIDE_MODES)[number];

export const SERVER_SIDE_MODE_SENTENCES: Record<ServerSideMode, string> = {
  auto:
    'The default for new policies: like "user" for users Slack verified (Sign in with Slack) when a working ' +
    'Enterprise Grid connection can do it, otherwise nothing at Slack; the device is cleared and signed out either way.',
  user:
    "Ends every Slack session of the verdict's verified user (admin.users.session.reset, Enterprise Grid): " +
    'the sure answer to a copied cookie; the user signs in again everywhere.',
  session:
    "Ends only the user's Slack sessions that do not look like their guarded devices (Enterprise Grid); " +
    'a copied cookie can stay alive when the guarded device used that session last.',
  none: 'Nothing at Slack: only the device is cleared and signed out; a cookie an infostealer already copied keeps working.',
};
