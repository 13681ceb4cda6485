/** The dashboard's only stylesheet, served from /dashboard.css (CSP: default-src 'self'). */
export const DASHBOARD_CSS = `
body { font: 15px/1.45 system-ui, sans-serif; margin: 0; color: #1d1c1d; background: #f8f8f8; }
header { display: flex; justify-content: space-between; align-items: center; padding: 12px 24px; background: #3f0e40; color: #fff; }
header h1 { font-size: 18px; margin: 0; }
header form { margin: 0; }
main { padding: 24px; max-width: 1200px; margin: 0 auto; }
table { border-collapse: collapse; width: 100%; background: #fff; margin-bottom: 32px; }
th, td { text-align: left; padding: 8px 10px; border-bottom: 1px solid #e2e2e2; font-size: 14px; }
th { background: #f0f0f0; }
code { font-size: 13px; }
.empty { color: #666; }
.login { max-width: 320px; margin: 80px auto; background: #fff; padding: 24px; border-radius: 8px; box-shadow: 0 1px 4px rgba(0,0,0,.1); }
.login label { display: block; margin-bottom: 6px; }
.login input { width: 100%; box-sizing: border-box; padding: 8px; margin-bottom: 12px; }
.error { color: #b00020; }
button { padding: 8px 16px; cursor: pointer; }
`;
