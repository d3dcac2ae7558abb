// The dashboard stylesheet, served as /admin/assets/app.css (CSP style-src
// 'self': no inline styles, so SVG charts are styled by class here too).
// Mobile first (390 px), two columns from 900 px; visible focus rings;
// blue/green colours always paired with a name, a dash or a marker shape.
export const APP_CSS = `:root{--fg:#1b1f24;--muted:#57606a;--bg:#fff;--panel:#f6f8fa;--line:#d0d7de;--blue:#0a58ca;--green:#1a7f37;--red:#b42318;--amber:#9a6700;--focus:#8250df;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg);line-height:1.45}
*{box-sizing:border-box}
body{margin:0}
a{color:#0550ae}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:#fff;padding:.5rem}
.skip:focus{left:.5rem;z-index:10}
header.top{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;padding:.6rem 1rem;border-bottom:1px solid var(--line);background:var(--panel)}
header.top .brand{font-weight:700;text-decoration:none;color:var(--fg);font-size:1.1rem}
header.top nav a{margin-right:.75rem}
header.top .who{margin-left:auto;color:var(--muted);font-size:.9rem}
header.top form{display:inline}
main{padding:1rem;max-width:1280px;margin:0 auto}
main:focus{outline:none}
h1{font-size:1.5rem;margin:.2rem 0 .6rem}
h2{font-size:1.15rem;margin:1.6rem 0 .5rem;border-bottom:1px solid var(--line);padding-bottom:.25rem}
h3{font-size:1rem;margin:1rem 0 .4rem}
.muted{color:var(--muted)}
.notice{border:1px solid var(--line);border-left:6px solid var(--blue);background:#eef5ff;padding:.6rem .8rem;margin:0 0 1rem;border-radius:4px}
.notice-error{border-left-color:var(--red);background:#fff1f0}
.notice-ok{border-left-color:var(--green);background:#effaf1}
.notice:focus{outline:3px solid var(--focus)}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;width:100%;font-size:.92rem}
th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
thead th{background:var(--panel);font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.badge{display:inline-block;padding:.05rem .45rem;border-radius:999px;font-size:.82rem;font-weight:600;border:1px solid currentColor;white-space:nowrap}
.badge-kill{color:var(--red);background:#fff1f0}
.badge-ok{color:var(--green);background:#effaf1}
.badge-warn{color:var(--amber);background:#fff8c5}
.badge-neutral{color:var(--muted)}
.tag{font-weight:600;padding:0 .25rem;border-radius:3px}
.tag-blue{color:var(--blue)}
.tag-green{color:var(--green);text-decoration:underline dashed}
.grid2{display:grid;grid-template-columns:1fr;gap:1rem}
@media (min-width:900px){.grid2{grid-template-columns:1fr 1fr}}
.panel{border:1px solid var(--line);border-radius:6px;padding:.8rem;background:var(--bg)}
.controls{display:flex;flex-wrap:wrap;gap:.75rem;align-items:flex-start}
.controls form{margin:0}
form.stack label{display:block;font-weight:600;margin-bottom:.25rem}
textarea,input[type=text],input[type=password],input[type=search]{font:inherit;padding:.45rem;border:1px solid #8c959f;border-radius:4px;width:100%;max-width:32rem}
button{font:inherit;padding:.45rem .9rem;border-radius:4px;border:1px solid #8c959f;background:#f6f8fa;cursor:pointer;min-height:44px}
button:hover{background:#eaeef2}
button.danger{background:var(--red);color:#fff;border-color:var(--red)}
button.primary{background:var(--blue);color:#fff;border-color:var(--blue)}
button[disabled]{opacity:.55;cursor:not-allowed}
.hint{font-size:.85rem;color:var(--muted);margin:.25rem 0 0}
.chart{margin:0}
.chart figcaption{font-weight:600;margin-bottom:.25rem}
.chart>svg{width:100%;height:auto;display:block}
.swatch{width:28px;height:10px;display:inline-block}
.chart text{font-size:15px;fill:var(--muted)}
.grid{stroke:#e6e9ed;stroke-width:1}
.baseline,.tick{stroke:#8c959f;stroke-width:1}
.line{fill:none;stroke-width:2}
.line-blue{stroke:var(--blue)}
.line-green{stroke:var(--green);stroke-dasharray:6 4}
.marks-blue{fill:var(--blue)}
.marks-green{fill:var(--green)}
.bar-blue{fill:var(--blue)}
.bar-green{fill:#dafbe1;stroke:var(--green);stroke-width:1.5;stroke-dasharray:4 2}
.chart text.bar-value{font-size:12px}
.drift{margin:.6rem 0}
.legend{list-style:none;padding:0;margin:.3rem 0;display:flex;flex-wrap:wrap;gap:.25rem 1.25rem;font-size:.9rem}
.swatch{vertical-align:middle}
.chart-data summary{cursor:pointer;font-size:.85rem;color:var(--muted)}
.spark{vertical-align:middle}
.spark .line{stroke-width:1.5}
.spark-wrap{display:inline-flex;flex-wrap:wrap;gap:.25rem .5rem;align-items:center}
.spark-text{font-size:.85rem;white-space:nowrap}
ol.timeline{list-style:none;padding:0;margin:0}
ol.timeline>li{border-left:4px solid var(--line);padding:.4rem .8rem;margin:0 0 .6rem}
ol.timeline>li.current{border-left-color:var(--blue);background:#eef5ff}
ol.timeline>li.done{border-left-color:var(--green)}
ol.timeline>li.stopped{border-left-color:var(--red)}
ol.timeline>li.skipped,ol.timeline>li.unrecorded{border-left-style:dashed}
.window-picker{margin:.2rem 0 .4rem}
.window-picker a{padding:.1rem .4rem}
.window-picker a[aria-current]{font-weight:700;text-decoration:none;border:1px solid var(--line);border-radius:4px}
ol.eval{padding-left:1.3rem}
ol.eval>li{margin-bottom:.6rem}
.interval line{stroke-width:2}
.interval .ci{stroke:var(--fg)}
.interval .zero{stroke:#8c959f;stroke-dasharray:3 3}
.interval text{font-size:11px;fill:var(--muted)}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem .8rem;margin:0}
dl.facts dt{font-weight:600}
dl.facts dd{margin:0}
.login{max-width:28rem;margin:3rem auto}
@media (max-width:600px){main{padding:.6rem}th,td{padding:.35rem .3rem}.hide-narrow{display:none}}
`;
