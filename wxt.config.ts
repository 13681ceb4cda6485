import { defineConfig } from 'wxt';
import { loadExtensionKey } from './src/server/extension-key';

// Slack's web origins: the session lives in cookies on .slack.com; files are served from
// files.slack.com and slack-files.com. These are the only hosts the extension may touch.
export const SLACK_HOST_PERMISSIONS = ['https://*.slack.com/*', 'https://slack.com/*', 'https://*.slack-files.com/*'];

export default defineConfig({
  modules: ['@wxt-dev/webextension-polyfill'],
  manifest: () => ({
    name: 'Session Guard',
    description: 'Ends stolen or abused Slack sessions on this device, as your organisation’s policy requires.',
    // A stable extension ID (DESIGN.md): the development key in keys/, or the org's own.
    key: loadExtensionKey().manifestKey,
    minimum_chrome_version: '120',
    permissions: ['storage', 'alarms', 'cookies', 'downloads', 'webRequest', 'browsingData', 'notifications'],
    host_permissions: SLACK_HOST_PERMISSIONS,
    storage: { managed_schema: 'managed_schema.json' },
    icons: { 16: 'icon/16.png', 48: 'icon/48.png', 128: 'icon/128.png' },
    action: { default_title: 'Session Guard' },
  }),
});
