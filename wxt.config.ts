import { defineConfig } from 'wxt';
import { loadExtensionKey } from './src/server/extension-key';
import { geckoIdFrom } from './src/shared/gecko-id';

// Slack's web origins: the session lives in cookies on .slack.com; files are served from
// files.slack.com and slack-files.com. These are the only hosts the extension may touch.
// Every permission is justified in docs/permissions.md.
export const SLACK_HOST_PERMISSIONS = ['https://*.slack.com/*', 'https://slack.com/*', 'https://*.slack-files.com/*'];

/** Firefox names an extension by this id; enterprise policy configures it under 3rdparty.Extensions.<id>. */
export const GECKO_ID = geckoIdFrom(process.env);

const COMMON_PERMISSIONS = [
  'storage',
  'alarms',
  'cookies',
  'downloads',
  'webRequest',
  'browsingData',
  'notifications',
  'identity',
  // Issue #12: one session rule sets `Cookie: d=…` on the sign-out request to Slack (docs/slack-session.md).
  'declarativeNetRequestWithHostAccess',
];

export default defineConfig({
  modules: ['@wxt-dev/webextension-polyfill'],
  manifest: ({ browser }) => ({
    name: 'Session Guard',
    description: 'Ends stolen or abused Slack sessions on this device, as your organisation’s policy requires.',
    icons: { 16: 'icon/16.png', 48: 'icon/48.png', 128: 'icon/128.png' },
    action: { default_title: 'Session Guard' },
    // Issue #13: the session vault adds `d` to Slack's WebSocket handshake (wss is its own scheme).
    host_permissions: [...SLACK_HOST_PERMISSIONS, 'wss://*.slack.com/*'],
    ...(browser === 'firefox'
      ? {
          // Firefox has no offscreen documents (its background page has a DOM) and no
          // managed_schema: enterprise policy supplies storage.managed (docs/firefox.md).
          // Firefox gives each install its own moz-extension:// origin, so the backend cannot
          // pin it for CORS; an org that builds for Firefox names its backend here instead.
          permissions: [
            ...COMMON_PERMISSIONS,
            ...(process.env.SESSION_GUARD_BACKEND_ORIGIN ? [`${process.env.SESSION_GUARD_BACKEND_ORIGIN}/*`] : []),
          ],
          browser_specific_settings: { gecko: { id: GECKO_ID, strict_min_version: '115.0' } },
        }
      : {
          // A stable extension ID (DESIGN.md): the development key in keys/, or the org's own.
          key: loadExtensionKey().manifestKey,
          minimum_chrome_version: '120',
          // Issue #13: the session vault's blocking webRequest (Chromium grants it only to
          // policy-installed extensions; elsewhere the vault stays off, docs/session-vault.md).
          permissions: [...COMMON_PERMISSIONS, 'offscreen', 'webRequestBlocking'],
          storage: { managed_schema: 'managed_schema.json' },
        }),
  }),
});
