/**
 * The dashboard's routes in /openapi.json (issue 11): server-rendered HTML pages and
 * plain HTML forms, documented as `text/html` with who may open them. Declared here, by
 * method and path, and attached by one onRoute hook on the dashboard plugin, so the
 * route files keep only their handlers (the view layer changes them often). A dashboard
 * route missing from this table has no summary, and the OpenAPI coverage test fails.
 */
import type { FastifyInstance, RouteOptions } from 'fastify';
import { content, noBody, pathParams, SECURITY } from '../http/route-schemas';

type Kind = 'page' | 'form' | 'public';

/** Every dashboard route: its kind and summary. */
export const DASHBOARD_ROUTES: Record<string, [Kind, string]> = {
  'GET /dashboard.css': ['public', 'The dashboard stylesheet'],
  'GET /assets/:name': ['public', "The dashboard's scripts (progressive enhancement only)"],
  'GET /login': ['public', 'The sign-in page (303 to / when already signed in)'],
  'POST /login': ['public', 'Sign in with the admin password (form); throttled per address block, 429 when busy'],
  'POST /logout': ['public', "Sign out (form, with the page's CSRF token); 303 to /login"],
  'GET /': ['page', 'Overview: verdicts per hour, latency, devices reporting, Tor list, recent verdicts'],
  'GET /verdicts': ['page', 'Verdicts, filtered as GET /api/verdicts'],
  'GET /verdicts/:id': ['page', 'One verdict with its evidence'],
  'GET /devices': ['page', 'Devices: approve, reject, revoke; rotate the enrollment token'],
  'GET /devices/:id': ['page', 'One device, its sessions and verdicts'],
  'GET /findings': ['page', 'Findings, filtered as GET /api/findings'],
  'GET /audit': ['page', 'The audit log'],
  'GET /policy': ['page', 'The org policy editor and its history'],
  'POST /policy/review': ['form', 'Review a draft policy: validation and diff'],
  'POST /policy': ['form', 'Save the reviewed policy as a new version (409 when another version was saved meanwhile)'],
  'GET /policy/versions/:version': ['page', 'One policy version and its diff with the previous one'],
  'POST /devices/:id/revoke': ['form', 'Revoke a device'],
  'POST /devices/:id/approve': ['form', 'Approve a pending device'],
  'POST /devices/:id/reject': ['form', 'Reject a pending device'],
  'POST /enrollment/rotate': ['form', 'Rotate the enrollment token (the new one is shown once)'],
  'GET /settings': ['page', 'API tokens and webhooks'],
  'POST /settings/tokens': ['form', 'Create an API token (its secret is shown once)'],
  'POST /settings/tokens/:id/revoke': ['form', 'Revoke an API token'],
  'POST /settings/webhooks': ['form', 'Add a webhook endpoint (its signing secret is shown once)'],
  'POST /settings/webhooks/:id/delete': ['form', 'Delete a webhook endpoint'],
  'POST /settings/webhooks/:id/test': ['form', 'Send a test event to a webhook endpoint'],
  'GET /settings/ssf': ['page', 'Shared Signals: the issuer and the receivers SETs are pushed to'],
  'POST /settings/ssf': ['form', 'Add an SSF receiver (its bearer token is never shown back)'],
  'POST /settings/ssf/:id/delete': ['form', 'Remove an SSF receiver'],
  'GET /settings/retention': ['page', 'Retention of each kind of record and the current row counts'],
  'POST /notices/auto-revocation/dismiss': ['form', 'Dismiss the one-time notice about serverSideRevocation auto'],
};

const html = (description: string) => content('text/html', description);

const RESPONSES: Record<Kind, Record<number, unknown>> = {
  public: {
    200: content(['text/html', 'text/css', 'text/javascript'], 'The page or file'),
    303: noBody('Redirect'),
    401: html('Wrong password'),
    403: html('Refused (sign-in or sign-out from another site)'),
    404: content('text/plain', 'No such file'),
    429: html('Too many attempts or busy (Retry-After)'),
  },
  page: {
    200: html('The page'),
    303: noBody('No dashboard session: to /login'),
    400: html('The page with the filter error'),
    404: html('Not found'),
  },
  form: {
    200: html('The page with the outcome'),
    303: noBody('Done: to the page that shows it'),
    400: html('The form again, with what is wrong'),
    401: html('No dashboard session (signed out)'),
    403: html("Refused: the form lacks the page's CSRF token or came from another site (csrf_failed)"),
    404: html('Not found'),
    409: html('Not changed: the state changed meanwhile'),
  },
};

/** Attaches each dashboard route's schema as it is registered (this plugin and its children). */
export function documentDashboard(app: FastifyInstance): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    const declared = DASHBOARD_ROUTES[`${String(route.method)} ${route.url}`];
    if (!declared) return;
    const [kind, summary] = declared;
    const params = pathParams(route.url);
    route.schema = {
      ...route.schema,
      ...(params ? { params } : {}),
      summary,
      tags: ['dashboard'],
      ...(kind === 'public' ? {} : { security: SECURITY.session }),
      response: RESPONSES[kind],
    };
  });
}
