/** The dashboard's only stylesheet, served from /dashboard.css (CSP: style-src 'self'). */
export const DASHBOARD_CSS = `
:root { --ink: #1d1c1d; --muted: #5e5d60; --line: #dddddd; --brand: #3f0e40; --focus: #1264a3; --bad: #b00020; --ok: #007a5a; --warn: #8a5a00; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, sans-serif; margin: 0; color: var(--ink); background: #f8f8f8; }
a { color: var(--focus); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.skip { position: absolute; left: 8px; top: -48px; background: #fff; padding: 8px 12px; z-index: 10; }
.skip:focus { top: 8px; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
header.top { display: flex; flex-wrap: wrap; gap: 16px; align-items: center; padding: 10px 24px; background: var(--brand); color: #fff; }
header.top .brand { font-weight: 700; font-size: 18px; margin: 0; }
header.top nav ul { display: flex; flex-wrap: wrap; gap: 4px; list-style: none; margin: 0; padding: 0; }
header.top nav a { color: #fff; text-decoration: none; padding: 6px 10px; border-radius: 4px; display: inline-block; }
header.top nav a[aria-current="page"] { background: rgba(255,255,255,.2); font-weight: 600; }
header.top nav a:hover { background: rgba(255,255,255,.12); }
header.top form { margin: 0 0 0 auto; }
main { padding: 24px; max-width: 1280px; margin: 0 auto; }
main:focus { outline: none; }
h1 { font-size: 24px; margin: 0 0 16px; }
h2 { font-size: 18px; margin: 28px 0 10px; }
table { border-collapse: collapse; width: 100%; background: #fff; margin-bottom: 16px; }
th, td { text-align: left; padding: 7px 10px; border-bottom: 1px solid #e2e2e2; font-size: 14px; vertical-align: top; }
th { background: #f0f0f0; font-weight: 600; }
td.num, th.num { text-align: right; }
code, pre { font-size: 13px; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; }
pre { background: #fff; border: 1px solid var(--line); padding: 12px; overflow: auto; white-space: pre-wrap; word-break: break-word; }
.wrap { word-break: break-all; }
.empty, .muted { color: var(--muted); }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(220px, 1fr)); gap: 12px; margin-bottom: 16px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px; }
.card h2 { font-size: 14px; margin: 0 0 6px; color: var(--muted); font-weight: 600; }
.card .figure { font-size: 26px; font-weight: 700; margin: 0; }
.card p { margin: 4px 0 0; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; background: #eee; }
.badge.bad { background: #fde7ea; color: var(--bad); }
.badge.ok { background: #e3f4ee; color: var(--ok); }
.badge.warn { background: #fff3d6; color: var(--warn); }
.login { max-width: 340px; margin: 80px auto; background: #fff; padding: 24px; border-radius: 8px; box-shadow: 0 1px 4px rgba(0,0,0,.1); }
.login label { display: block; margin-bottom: 6px; }
.login input { width: 100%; padding: 8px; margin-bottom: 12px; }
form.filters { display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-end; background: #fff; border: 1px solid var(--line); padding: 12px; margin-bottom: 12px; }
form.filters label, form.stack label { display: block; font-size: 13px; font-weight: 600; margin-bottom: 4px; }
form.stack { background: #fff; border: 1px solid var(--line); padding: 12px; margin-bottom: 12px; max-width: 720px; }
form.stack > div { margin-bottom: 10px; }
form.inline { display: inline; margin: 0; }
input, select, textarea { font: inherit; padding: 6px 8px; border: 1px solid #aaa; border-radius: 4px; }
textarea { width: 100%; font-family: ui-monospace, Menlo, monospace; font-size: 13px; }
button, .button { font: inherit; padding: 7px 14px; cursor: pointer; border-radius: 4px; border: 1px solid #888; background: #fff; color: var(--ink); text-decoration: none; display: inline-block; }
button.primary { background: var(--brand); color: #fff; border-color: var(--brand); }
button.danger { border-color: var(--bad); color: var(--bad); }
.actions { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin: 8px 0 16px; }
.error { color: var(--bad); }
.notice { background: #fff; border-left: 4px solid var(--ok); padding: 10px 14px; margin-bottom: 16px; }
.notice.bad { border-left-color: var(--bad); }
.secret { background: #fff8e1; border: 1px solid #e0c060; padding: 12px; word-break: break-all; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 6px 16px; background: #fff; border: 1px solid var(--line); padding: 12px 16px; margin: 0 0 16px; }
dl.facts dt { font-weight: 600; color: var(--muted); }
dl.facts dd { margin: 0; word-break: break-word; }
.diff { background: #fff; border: 1px solid var(--line); padding: 8px 0; font-family: ui-monospace, Menlo, monospace; font-size: 13px; white-space: pre-wrap; margin: 0 0 12px; }
.diff .add { background: #e6ffec; display: block; padding: 0 12px; }
.diff .remove { background: #ffebe9; display: block; padding: 0 12px; }
.diff .same { display: block; padding: 0 12px; color: var(--muted); }
.issues li { color: var(--bad); }
form#policy-form { max-width: none; }
.rule-index summary { cursor: pointer; font-size: 13px; margin-bottom: 6px; }
.rule-index ul { display: flex; flex-wrap: wrap; gap: 4px 12px; list-style: none; margin: 0 0 8px; padding: 0; font-size: 13px; }
.rules { display: grid; grid-template-columns: repeat(auto-fit, minmax(340px, 1fr)); gap: 12px; }
fieldset.rule { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; margin: 0; min-width: 0; }
fieldset.rule legend { font-weight: 600; padding: 0 4px; }
fieldset.rule .catches { margin: 0 0 8px; }
fieldset.rule .field { margin: 0 0 8px; }
fieldset.rule .field > label { display: block; font-size: 13px; font-weight: 600; margin-bottom: 2px; }
fieldset.rule .field.check > label { display: inline; }
fieldset.choice { border: 0; padding: 0; margin: 0 0 8px; }
fieldset.choice legend { font-size: 13px; font-weight: 600; padding: 0; }
fieldset.choice .option { margin: 2px 0; }
fieldset.choice .option label { display: inline; font-weight: 400; font-size: 14px; }
fieldset.rule .hint { color: var(--muted); font-size: 12px; margin: 2px 0 0; }
.field-error { color: var(--bad); font-size: 13px; margin: 2px 0 0; }
.field-error:empty { display: none; }
[aria-invalid="true"] { border-color: var(--bad); outline: 1px solid var(--bad); }
details#policy-advanced { margin: 16px 0 8px; }
details#policy-advanced summary { font-weight: 600; cursor: pointer; }
figure.chart { background: #fff; border: 1px solid var(--line); padding: 12px; margin: 0 0 16px; }
figure.chart figcaption { font-weight: 600; margin-bottom: 8px; }
figure.chart svg { width: 100%; height: auto; max-height: 260px; }
.chart-grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 12px; }
tr.fresh { animation: fresh 2s ease-out; }
@keyframes fresh { from { background: #fff3c4; } to { background: transparent; } }
`;
