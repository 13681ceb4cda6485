/** `session-guard --help`: every command, with its flags. */
export const USAGE = `Usage: session-guard <command> [options]

Commands:
  serve           Start the backend (device API, admin API, dashboard)
      --host H                 address to listen on (default 127.0.0.1)
      --port P                 port, 0 for any free one (default 8787)
      --data-dir DIR           where SQLite and its secrets live (default ./data)
      --database-url URL       use PostgreSQL (postgres://…) instead of SQLite
      --policy FILE            load the org policy from a JSON file (policy as code)
      --tor-exit-list FILE|URL|none  Tor exit list for the tor detector (default
                               https://check.torproject.org/torbulkexitlist,
                               fetched in the background; none turns it off; also
                               SESSION_GUARD_TOR_EXIT_LIST)
      --asn-data FILE|URL|none IP-to-ASN data set (iptoasn.com ip2asn-*.tsv, gzip
                               or not) for the asn detector's AS checks (default
                               none; also SESSION_GUARD_ASN_DATA)
      --extension-dir DIR      the build published when none is (default
                               .output/chrome-mv3)
      --extension-origin O     allow this browser origin on /v1 (repeatable;
                               default chrome-extension://<the extension's ID>)
      --secret-key-file FILE   key that seals the verdict keys and the Slack token
                               (docs/deploy.md; every replica needs the same)
      --slack-api-url URL      Slack Web API base (default https://slack.com/api)
      --slack-audit-url URL    Audit Logs API base (default
                               https://api.slack.com/audit/v1)
      --enrollment-rate-per-address N   enrollments a minute from one address
                               (IPv6: a /64), per replica (default 30; 0 = off)
      --enrollment-rate-total N  enrollments a minute in all, per replica
                               (default 300; 0 = off)
      --max-devices N          device quota: enrolled, not revoked or rejected
                               (default: none)
      --enrollment-approval    new devices wait as pending until an admin
                               approves them (dashboard Devices, admin API)
      --max-streams N          open verdict streams per replica (default 20000)
      --max-streams-per-device N  a newer stream closes the oldest (default 2)
      --max-pending-streams N  streams still authenticating (default 1000)
      --public-metrics         serve /metrics without a bearer token (default:
                               Authorization: Bearer <token>, any scope)
      --allow-private-webhooks let webhooks reach loopback, private (RFC 1918,
                               CGNAT, ULA) and link-local addresses (default:
                               refused when added and when delivered)
      --slack-client-id ID     Sign in with Slack: verify each device's Slack user
                               (docs/identity.md; env SESSION_GUARD_SLACK_CLIENT_ID)
      --slack-client-secret-file FILE  its client secret
                               (or SESSION_GUARD_SLACK_CLIENT_SECRET)
      --slack-oidc-url URL     Slack's OpenID base and issuer (default https://slack.com)
      --slack-team T…          a Slack team whose users are accepted (repeatable)
      --public-url URL         where receivers reach this backend: the Shared
                               Signals issuer (docs/ssf.md; SESSION_GUARD_PUBLIC_URL)
  policy export   Print the managed policy an admin deploys to browsers
      --format F               chrome-linux | windows-reg | macos-mobileconfig |
                               google-admin | firefox (docs/deploy.md)
      --backend-url URL        the URL browsers reach the backend at
                               (default http://127.0.0.1:8787; https unless loopback)
      --browser B              chrome (default) or edge, for formats with one
                               file per browser (windows-reg, macos-mobileconfig)
      --out DIR                write every file of the format into DIR instead
      --settings FILE          optional managed keys (JSON), e.g. pollIntervalSeconds
      --update-url URL         where browsers fetch the extension (default
                               <backend-url>/extension/updates.xml)
      --data-dir DIR | --database-url URL   the store that holds the secrets
  extension pack  Sign the built extension (CRX3), publish it for the backend
                  to serve at /extension/updates.xml, print the extension ID
      --key FILE               PEM RSA signing key (default
                               SESSION_GUARD_EXTENSION_KEY, else the dev key)
      --extension-dir DIR      the build to pack (default .output/chrome-mv3)
      --out DIR                also write DIR/session-guard.crx
      --browser firefox        zip the Firefox build (.output/firefox-mv2) into
                               an XPI served at /extension/session-guard.xpi
      --xpi FILE               with --browser firefox: publish this (signed) XPI
      --backend-url URL        the backend it is for (warns when the development
                               key signs for one not on loopback)
      --data-dir DIR | --database-url URL   the store the backend serves from
  enrollment rotate  Issue a new enrollment token (policy export prints it);
                  the old one is accepted for the grace period, then refused
      --grace-hours N          how long the old token still works (default 24)
      --data-dir DIR | --database-url URL
  token create    Print a new bearer token for the admin API
      --label L                a name for the token (default "cli")
      --scope S                admin (default: may change anything) or read
                               (a SIEM's: read and export only, 403 otherwise)
  token list      List tokens: id, label, scope, created, last used, revoked (--json)
  token revoke ID Revoke a token at once (its id, or a unique 6+ character prefix)
      --data-dir DIR | --database-url URL   (every token command)
  webhook add     Send each verdict to a URL, signed per Standard Webhooks; prints
                  the endpoint id and its whsec_ secret (shown once)
      --url URL                the endpoint (http or https)
      --event E                verdict.issued (default), finding.recorded or
                               verdict.answered; repeatable
      --description D          a note for the dashboard
      --secret whsec_…         use this secret instead of a generated one
      --allow-private-webhooks allow a loopback/private/link-local target (serve
                               needs the same flag to deliver to it)
  webhook list    List webhook endpoints (--json)
  webhook remove ID  Delete an endpoint and its undelivered events
      --data-dir DIR | --database-url URL   (every webhook command)
  ssf add         Push Shared Signals (CAEP session-revoked, RISC credential-
                  compromise SETs) to a receiver such as Okta ITP (docs/ssf.md)
      --url URL                its RFC 8935 push endpoint
      --token-file FILE        the bearer token it requires, if any (- reads stdin)
      --audience A             the SETs' aud (default: the URL's origin)
      --allow-private-webhooks allow a loopback/private target (serve too)
  ssf list        List receivers (--json); tokens show their last 4 characters
  ssf remove ID   Remove a receiver
      --secret-key-file FILE | --data-dir DIR | --database-url URL   (every ssf command)
  jobs list       Background jobs (webhook deliveries, Slack revocations, the
                  audit-log poll and its entries), by default those that failed
      --status S               failed (default), pending or done
      --kind K                 e.g. webhook.delivery, slack.revocation
      --limit N  --json  --data-dir DIR | --database-url URL
  slack connect   Connect Slack: an org owner token with admin.users:write and
                  auditlogs:read, tried with auth.test, stored encrypted
      --token-file FILE        the token (- reads stdin); never printed
  slack status    Whether the connection works and what it last did (--json)
  slack test      Call auth.test with the stored token now
  slack disconnect  Delete the stored token
      --secret-key-file FILE | --slack-api-url URL   as for serve
      --data-dir DIR | --database-url URL   (every slack command)
  verdict-key rotate  Make a new verdict signing key; it signs from now, and
                  policy export lists it beside the previous one (docs/adr/0003)
      --activate-in D          sign with it only after D (e.g. 24h, 7d), once the
                               new policy has reached every browser
  verdict-key list  Every verdict key: id, generation, signing or not (--json)
      --data-dir DIR | --database-url URL   (every verdict-key command)
  Every command that opens the store takes --secret-key-file FILE: the key that
  seals the verdict signing keys and the Slack token (see SESSION_GUARD_SECRET_KEY)

Options:
  -h, --help      Show this help

Environment:
  SESSION_GUARD_ADMIN_PASSWORD   dashboard password (otherwise generated on first start)
  SESSION_GUARD_EXTENSION_KEY    PEM (or path) of the extension signing key
  SESSION_GUARD_LOG_LEVEL        log level, logs go to stderr (default info)
  SESSION_GUARD_TRUST_PROXY      whom to believe in X-Forwarded-For: unset/false nobody,
                                 true/1 the one proxy in front, N hops, or proxy CIDRs
  SESSION_GUARD_TOR_REFRESH_SECONDS   re-read --tor-exit-list this often (default 3600)
  SESSION_GUARD_TOR_STALE_SECONDS     report the list stale past this age (default 86400)
  SESSION_GUARD_SECRET_KEY       32-byte key (base64/hex) sealing the verdict keys and the Slack token
                                 (else --secret-key-file, else <data-dir>/slack-secret.key)
  SESSION_GUARD_SLACK_API_URL, SESSION_GUARD_SLACK_AUDIT_URL   Slack's API bases
  SESSION_GUARD_SLACK_AUDIT_POLL_SECONDS   audit-log poll interval (default 60)
  SESSION_GUARD_ENROLLMENT_RATE_PER_ADDRESS, SESSION_GUARD_ENROLLMENT_RATE_TOTAL,
  SESSION_GUARD_MAX_DEVICES, SESSION_GUARD_ENROLLMENT_APPROVAL=1   as the serve flags
`;
