// The report's stylesheet (inline: the page loads nothing).
export const reportCss = `
body {
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto; max-width: 1280px;
  padding: 16px 24px; color: #1b1f24; background: #fff;
}
h1 { font-size: 22px; margin: 8px 0; }
h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid #ddd; }
h3 { font-size: 15px; margin: 16px 0 6px; }
code { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; word-break: break-all; }
td code { white-space: nowrap; word-break: normal; }
.chart-box { position: relative; height: 440px; margin: 8px 0 4px; contain: strict; }
.chart-box.small { height: 320px; }
.grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
.controls { font-size: 13px; color: #444; }
table { border-collapse: collapse; margin: 6px 0; font-size: 13px; }
th, td { border: 1px solid #d8dde3; padding: 3px 6px; vertical-align: top; text-align: left; }
table.sortable th { cursor: pointer; background: #f3f5f7; user-select: none; }
table.sortable th[data-dir="asc"]::after { content: " ▲"; } table.sortable th[data-dir="desc"]::after { content: " ▼"; }
table.plain th { background: #f3f5f7; }
table.heatmap td { min-width: 84px; font-size: 12px; }
table.heatmap td.missing {
  background: repeating-linear-gradient(45deg, #eee, #eee 4px, #fff 4px, #fff 8px); color: #a00;
}
.flag {
  display: inline-block; background: #fff1c2; border: 1px solid #e0b400; border-radius: 3px; padding: 0 4px;
  font-size: 11px; margin: 1px;
}
.warn-banner { background: #fff4d6; border: 1px solid #e0b400; padding: 8px 12px; border-radius: 4px; }
.ok-banner { background: #eaf7ea; border: 1px solid #8bc48b; padding: 8px 12px; border-radius: 4px; }
.warn { color: #8a5a00; }
#tooltip {
  position: absolute; display: none; z-index: 10; pointer-events: none; background: rgba(20, 24, 30, 0.94); color: #fff;
  padding: 6px 9px; border-radius: 4px; font-size: 12px; max-width: 560px;
}
#tooltip .tt-item + .tt-item { border-top: 1px solid #666; margin-top: 4px; padding-top: 4px; }
#tooltip .tt-code { font-family: ui-monospace, Menlo, monospace; font-weight: bold; word-break: break-all; }
/* Long tables below the charts are laid out only when scrolled near, which keeps first load fast. */
#front, #calibration, #devices, #flags { content-visibility: auto; contain-intrinsic-size: auto 900px; }
footer { margin-top: 32px; color: #666; font-size: 12px; }
`;
