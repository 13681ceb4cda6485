/** `session-guard --help`: every command, with its flags. */
export const USAGE = `Usage: session-guard <command> [options]

Commands:
  serve           Start the backend (device API, admin API, dashboard)
      --host H                 address to listen on (default 127.0.0.1)
      --port P                 port, 0 for any free one (default 8787)
      --data-dir DIR           where SQLite and its secrets live (default ./data)
      --database-url URL       use PostgreSQL (postgres://…) instead of SQLite
      --policy FILE            load the org policy from a JSON file (policy as code)
      --tor-exit-list FILE|URL Tor exit list for the tor detector
      --extension-origin O     allow this browser origin on /v1 (repeatable;
                               default chrome-extension://<the extension's ID>)
  policy export   Print the managed policy an admin deploys to browsers
      --format F               chrome-linux (windows-reg, macos-mobileconfig and
                               google-admin are not supported yet)
      --backend-url URL        the URL browsers reach the backend at
                               (default http://127.0.0.1:8787)
      --data-dir DIR | --database-url URL   the store that holds the secrets
  token create    Print a new bearer token for the admin API
      --label L                a name for the token (default "cli")
      --data-dir DIR | --database-url URL

Options:
  -h, --help      Show this help

Environment:
  SESSION_GUARD_ADMIN_PASSWORD   dashboard password (otherwise generated on first start)
  SESSION_GUARD_EXTENSION_KEY    PEM (or path) of the extension signing key
  SESSION_GUARD_LOG_LEVEL        log level, logs go to stderr (default info)
`;
