// @ts-check
/** Formatting shared by the dashboard's scripts; the same output as src/dashboard/html.ts. */

/** @param {number | null | undefined} ms */
export function formatTime(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

/** @param {number | null | undefined} ms */
export function formatDuration(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 2 * 3600000) return `${Math.round(ms / 60000)} min`;
  if (ms < 2 * 86400000) return `${Math.round(ms / 3600000)} h`;
  return `${Math.round(ms / 86400000)} days`;
}

/** @param {string} id */
export const shortId = (id) => (id.length > 14 ? `${id.slice(0, 12)}…` : id);

/**
 * Builds an element whose text is set with textContent only: nothing from the server is
 * ever parsed as HTML here.
 * @param {string} tag
 * @param {{ text?: string, className?: string, href?: string, attrs?: Record<string, string> }} [options]
 * @param {(Node | string)[]} [children]
 */
export function el(tag, options = {}, children = []) {
  const node = document.createElement(tag);
  if (options.text !== undefined) node.textContent = options.text;
  if (options.className) node.className = options.className;
  if (options.href) node.setAttribute('href', options.href);
  for (const [k, v] of Object.entries(options.attrs ?? {})) node.setAttribute(k, v);
  for (const child of children) node.append(child);
  return node;
}

/** Says something to screen readers through the page's polite live region. @param {string} text */
export function announce(text) {
  const region = document.getElementById('live-status');
  if (region) region.textContent = text;
}
