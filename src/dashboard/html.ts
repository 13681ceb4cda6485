/**
 * The dashboard's HTML building blocks. Server-rendered; the only scripts are our own
 * files under /assets (the CSP forbids inline ones). Pages are written with the `html`
 * tag, which escapes every interpolated value unless it is already `SafeHtml`, so text from
 * devices (user agents, evidence, fingerprints) can only ever render as text.
 */

export function escapeHtml(value: unknown): string {
  return String(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Value = SafeHtml | string | number | boolean | null | undefined | readonly Value[];

function render(value: Value): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(value);
}

/** Escapes every interpolation; nest `html` results (or arrays of them) freely. */
export function html(strings: TemplateStringsArray, ...values: Value[]): SafeHtml {
  let out = strings[0]!; // a template has one more string than values
  values.forEach((value, i) => {
    out += render(value) + strings[i + 1];
  });
  return new SafeHtml(out);
}

export const NAV = [
  { href: '/', label: 'Overview' },
  { href: '/verdicts', label: 'Verdicts' },
  { href: '/devices', label: 'Devices' },
  { href: '/findings', label: 'Findings' },
  { href: '/policy', label: 'Policy' },
  { href: '/audit', label: 'Audit log' },
  { href: '/settings', label: 'Integrations' },
] as const;

export interface LayoutOptions {
  title: string;
  body: SafeHtml | string;
  /** Signed-in pages: the CSRF token for forms and the page's script. */
  csrf?: string;
  /** The nav entry to mark as the current page. */
  active?: string;
  /** Scripts under /assets/ to load (type=module, same origin). */
  scripts?: readonly string[];
  /** Server clock when rendered: the live feed replays from here. */
  renderedAt?: number;
}

export const csrfField = (csrf: string) => html`<input type="hidden" name="_csrf" value="${csrf}">`;

function chrome(options: LayoutOptions): SafeHtml {
  if (!options.csrf) return html``;
  const links = NAV.map(
    (n) =>
      html`<li><a href="${n.href}"${options.active === n.href ? new SafeHtml(' aria-current="page"') : ''}>${n.label}</a></li>`,
  );
  return html`<header class="top">
<p class="brand">Session Guard</p>
<nav aria-label="Main"><ul>${links}</ul></nav>
<form method="post" action="/logout">${csrfField(options.csrf)}<button type="submit">Sign out</button></form>
</header>`;
}

export function layout(options: LayoutOptions): string {
  const scripts = (options.scripts ?? []).map((s) => html`<script type="module" src="/assets/${s}"></script>`);
  const meta = options.csrf ? html`<meta name="csrf-token" content="${options.csrf}">` : '';
  const body = options.body instanceof SafeHtml ? options.body : new SafeHtml(options.body);
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${meta}
<title>${options.title} · Session Guard</title>
<link rel="stylesheet" href="/dashboard.css">
${scripts}
</head>
<body data-rendered-at="${options.renderedAt ?? ''}">
<a class="skip" href="#main">Skip to content</a>
${chrome(options)}
<main id="main" tabindex="-1">
${body}
</main>
<div id="live-status" class="visually-hidden" role="status" aria-live="polite"></div>
</body>
</html>`.value;
}

export function formatTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 2 * 3600_000) return `${Math.round(ms / 60_000)} min`;
  if (ms < 2 * 86_400_000) return `${Math.round(ms / 3600_000)} h`;
  return `${Math.round(ms / 86_400_000)} days`;
}

/** A device id is a 43-character thumbprint; its first 12 say enough in a table. */
export const shortId = (id: string) => (id.length > 14 ? `${id.slice(0, 12)}…` : id);

/** Who made a change, for display: a policy file by its name rather than its full path. */
export function actorLabel(actor: string): string {
  if (!actor.startsWith('file:')) return actor;
  return `file ${actor.slice(5).split(/[\\/]/).pop()}`;
}
