import type { Severity } from '../../types'

/** Severity palette shared by the CSS pills and the SVG charts. */
export const SEVERITY_COLORS: Readonly<Record<Severity, string>> = {
  critical: '#b42318',
  high: '#e8590c',
  medium: '#d4a106',
  low: '#2f7fd1',
  info: '#8b95a5',
}

/** Inline CSS only: the report is one file that works offline, in e-mail attachments and in print. */
export const CSS = `
:root{--fg:#1c2430;--muted:#5f6b7a;--line:#e3e8ef;--bg:#f5f7fa;--card:#fff;--accent:#4b3fd6;--accent-2:#0f9d8a}
*{box-sizing:border-box}
body{margin:0;font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg)}
header.top{background:linear-gradient(120deg,#231c6b,#4b3fd6 55%,#0f9d8a);color:#fff;padding:28px 40px 70px}
header.top h1{margin:0;font-size:26px;font-weight:650;letter-spacing:-.01em;display:flex;align-items:center;gap:12px}
header.top .sub{opacity:.85;margin-top:6px;font-size:14px}
header.top .logo{width:34px;height:34px}
main{max-width:1240px;margin:-48px auto 40px;padding:0 24px}
section{background:var(--card);border:1px solid var(--line);border-radius:14px;padding:22px 26px;margin-bottom:22px;box-shadow:0 1px 2px rgba(16,24,40,.05)}
h2{margin:0 0 14px;font-size:18px;font-weight:650}
h3{margin:18px 0 10px;font-size:15px;font-weight:650;display:flex;align-items:center;gap:8px}
nav.toc{display:flex;flex-wrap:wrap;gap:8px;margin:0 0 18px}
nav.toc a{background:#eef0fb;color:var(--accent);padding:4px 10px;border-radius:999px;text-decoration:none;font-size:13px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(170px,1fr));gap:14px}
.card{border:1px solid var(--line);border-radius:12px;padding:14px 16px;background:#fbfcfe}
.card .k{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.06em}
.card .v{font-size:26px;font-weight:700;margin-top:2px}
.card .s{color:var(--muted);font-size:12px}
.card.alert{border-color:#f4c7c3;background:#fff6f5}.card.alert .v{color:#b42318}
.card.ok .v{color:#0f7a5f}
.grid2{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:22px}
@media (max-width:860px){.grid2{grid-template-columns:1fr}}
.sevbox{display:flex;gap:18px;align-items:center}
.chart-label{font-size:12px;fill:#3b4656}.chart-value{font-size:12px;fill:#3b4656;font-weight:600}
.chart-track{fill:#eef1f5}.chart-track-stroke{stroke:#eef1f5}
.donut-total{font-size:26px;font-weight:700;fill:#1c2430}.donut-label{font-size:11px;fill:#5f6b7a}
.meta{display:grid;grid-template-columns:max-content 1fr;gap:4px 18px;font-size:13px}
.meta dt{color:var(--muted)}.meta dd{margin:0;word-break:break-all}
.pill{display:inline-block;padding:1px 9px;border-radius:999px;font-size:11.5px;font-weight:650;color:#fff;text-transform:uppercase;letter-spacing:.04em;white-space:nowrap}
.sev-critical{background:#b42318}.sev-high{background:#e8590c}.sev-medium{background:#d4a106}.sev-low{background:#2f7fd1}.sev-info{background:#8b95a5}
.verdict{display:inline-block;padding:1px 8px;border-radius:6px;font-size:12px;font-weight:600}
.v-malicious{background:#fde8e7;color:#b42318}.v-suspicious{background:#fff1e0;color:#b54708}.v-safe{background:#e3f6ef;color:#0f7a5f}.v-invalid{background:#eef1f5;color:#475467}
.rule{border:1px solid var(--line);border-left:5px solid var(--sevc,#8b95a5);border-radius:10px;padding:14px 16px;margin-bottom:12px}
.rule h4{margin:0 0 6px;font-size:15px;display:flex;gap:10px;align-items:center;flex-wrap:wrap}
.rule .count{color:var(--muted);font-weight:500;font-size:13px}
.rule .why,.rule .fix{margin:6px 0 0}.rule b{color:#3b4656}
.rule .fix{background:#f1faf6;border-radius:8px;padding:8px 10px}
.rule code{font-size:12px}
table{border-collapse:collapse;width:100%;font-size:13px}
th{text-align:left;font-weight:600;color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em;border-bottom:2px solid var(--line);padding:8px 10px;position:sticky;top:0;background:#fff}
td{border-bottom:1px solid var(--line);padding:7px 10px;vertical-align:top}
tr:hover td{background:#fafbff}
.tablewrap{overflow-x:auto}
td.path{min-width:200px;max-width:300px}
.ver{max-width:150px;word-break:break-all}.ver.hash{white-space:nowrap}
.path{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;word-break:break-all;color:#344054}
.hash{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;color:#475467}
.num{text-align:right;white-space:nowrap}
.parts{margin:2px 0 0;padding-left:16px;font-size:12px}
.det{color:#475467;font-size:12px;min-width:200px;max-width:340px}.det span{display:inline-block;max-width:100%;overflow-wrap:anywhere;background:#f2f4f7;border-radius:5px;padding:0 6px;margin:1px 4px 1px 0}
.det details.more{display:inline}.det details.more>summary{display:inline-block;list-style:none;font-weight:600;color:var(--accent);background:#eef0fb;border-radius:5px;padding:0 6px;margin:1px 4px 1px 0}
.det details.more>summary::-webkit-details-marker{display:none}.det details.more[open]>summary{margin-bottom:2px}
.why-line{margin-top:3px;font-size:12px;color:#b42318;max-width:320px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.coverage{display:grid;grid-template-columns:repeat(auto-fit,minmax(220px,1fr));gap:14px;margin-top:6px}
.coverage table td{padding:3px 8px}.coverage h4{margin:0 0 6px;font-size:13px;color:var(--muted);text-transform:uppercase;letter-spacing:.05em}
.muted{color:var(--muted)}
.note{background:#fffaeb;border:1px solid #fedf89;border-radius:8px;padding:8px 12px;color:#7a4d00;font-size:13px}
details>summary{cursor:pointer;font-weight:600}
footer{color:var(--muted);text-align:center;font-size:12px;margin:10px 0 30px}
.empty{color:var(--muted);font-style:italic}
@media print{header.top{padding:18px 24px 24px}main{margin-top:0}section{break-inside:avoid-page;box-shadow:none}}
`
