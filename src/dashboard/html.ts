/**
 * The dashboard's HTML building blocks. Server-rendered, no scripts (the CSP forbids
 * inline ones anyway); every piece of data goes through `escapeHtml`.
 */

export function escapeHtml(value: unknown): string {
  return String(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export interface LayoutOptions {
  title: string;
  body: string;
  /** Seconds between automatic reloads (a meta refresh; no script needed). */
  refreshSeconds?: number;
}

export function layout({ title, body, refreshSeconds }: LayoutOptions): string {
  const refresh = refreshSeconds ? `<meta http-equiv="refresh" content="${Number(refreshSeconds)}">` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${refresh}
<title>${escapeHtml(title)} · Session Guard</title>
<link rel="stylesheet" href="/dashboard.css">
</head>
<body>
${body}
</body>
</html>`;
}
