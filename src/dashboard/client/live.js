// @ts-check
/**
 * Live updates (issue #5): listens to /api/events (server-sent events) and adds new
 * verdicts and findings to the page's live tables, or updates a verdict's row when its
 * acknowledgement arrives. Rows are built with DOM APIs and textContent only.
 */
import { announce, el, formatDuration, formatTime, shortId } from './format.js';

/** @typedef {{ id: string, deviceId: string, userId: string | null, reasons: string[], issuedAt: number, policyVersion: number, ack: null | { outcome: string, latencyMs: number | null } }} Verdict */
/** @typedef {{ id: string, reason: string, severity: string, mode: string, outcome: string, deviceId: string, policyVersion: number, summary: string, detectedAt: number, verdictId: string | null }} Finding */

/** @param {Verdict} v */
function ackBadge(v) {
  if (!v.ack) return el('span', { className: 'badge warn', text: 'pending' });
  return el('span', { className: `badge ${v.ack.outcome === 'rejected' ? 'bad' : 'ok'}`, text: v.ack.outcome });
}

/** @param {string} deviceId */
const deviceLink = (deviceId) =>
  el('a', { href: `/devices/${encodeURIComponent(deviceId)}` }, [el('code', { text: shortId(deviceId) })]);

/** @param {Verdict} v */
function verdictRow(v) {
  const reasons = el('td');
  v.reasons.forEach((r, i) => {
    if (i) reasons.append(', ');
    reasons.append(el('code', { text: r }));
  });
  return el('tr', { attrs: { 'data-verdict-id': v.id } }, [
    el('td', {}, [el('a', { href: `/verdicts/${encodeURIComponent(v.id)}`, text: formatTime(v.issuedAt) })]),
    reasons,
    el('td', { text: v.userId ?? '—' }),
    el('td', {}, [deviceLink(v.deviceId)]),
    el('td', { className: 'num', text: `v${v.policyVersion}` }),
    el('td', {}, [ackBadge(v)]),
    el('td', { className: 'num', text: formatDuration(v.ack?.latencyMs) }),
  ]);
}

/** @param {Finding} f */
function findingRow(f) {
  return el('tr', { attrs: { 'data-finding-id': f.id } }, [
    el('td', { text: formatTime(f.detectedAt) }),
    el('td', {}, [el('code', { text: f.reason })]),
    el('td', { text: f.severity }),
    el('td', {}, [f.mode === 'monitor' ? el('span', { className: 'badge warn', text: 'monitor' }) : f.mode]),
    el('td', { text: f.outcome }),
    el('td', {}, [deviceLink(f.deviceId)]),
    el('td', { className: 'num', text: `v${f.policyVersion}` }),
    el('td', { text: f.summary }),
    el('td', {}, [
      f.verdictId ? el('a', { href: `/verdicts/${encodeURIComponent(f.verdictId)}`, text: 'open verdict' }) : '—',
    ]),
  ]);
}

/**
 * @param {string} kind
 * @param {string} attr
 * @param {string} id
 * @param {HTMLElement} row
 */
function upsert(kind, attr, id, row) {
  let added = false;
  for (const table of document.querySelectorAll(`table[data-live="${kind}"]`)) {
    const tableElement = /** @type {HTMLTableElement} */ (table);
    const body = tableElement.tBodies[0] ?? tableElement.createTBody();
    const existing = body.querySelector(`tr[${attr}="${CSS.escape(id)}"]`);
    const copy = /** @type {HTMLElement} */ (row.cloneNode(true));
    if (existing) {
      existing.replaceWith(copy);
    } else {
      copy.classList.add('fresh');
      body.prepend(copy);
      added = true;
      document.querySelector(`[data-empty-for="${CSS.escape(table.id)}"]`)?.remove();
    }
  }
  return added;
}

function listen() {
  const since = document.body.dataset.renderedAt;
  const source = new EventSource(`/api/events${since ? `?since=${encodeURIComponent(since)}` : ''}`);
  source.addEventListener('verdict', (event) => {
    /** @type {Verdict} */
    const v = JSON.parse(/** @type {MessageEvent} */ (event).data);
    const added = upsert('verdicts', 'data-verdict-id', v.id, verdictRow(v));
    if (added) announce(`New verdict: ${v.reasons.join(', ')} on device ${shortId(v.deviceId)}`);
    else if (v.ack) announce(`Verdict on device ${shortId(v.deviceId)} acknowledged: ${v.ack.outcome}`);
  });
  source.addEventListener('finding', (event) => {
    /** @type {Finding} */
    const f = JSON.parse(/** @type {MessageEvent} */ (event).data);
    if (upsert('findings', 'data-finding-id', f.id, findingRow(f)))
      announce(`New finding: ${f.reason} (${f.mode} mode)`);
  });
  window.addEventListener('pagehide', () => source.close());
}

// After load, so the open stream never holds up the page's load event; `since` replays
// whatever arrived in between.
if (document.querySelector('table[data-live]')) {
  if (document.readyState === 'complete') listen();
  else window.addEventListener('load', listen, { once: true });
}
