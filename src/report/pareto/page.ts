// The Pareto report page: one self-contained HTML file. chart.js (passed in as text, read by the
// caller) and the data are inlined; a strict CSP forbids any fetch, so the page works from disk and
// cannot leak anything. Pure string building: no file access here.
import { clientCharts } from './client-charts.js';
import { clientCloud } from './client-cloud.js';
import { clientUi } from './client-ui.js';
import type { ParetoData } from './data.js';
import { escapeHtml as h, inlineScript, scriptJson } from './escape.js';
import {
  calibrationSection,
  devicesSection,
  flagBanner,
  flagsSection,
  frontTableSection,
  heatmapSection,
  notesSection,
  transferSection,
} from './sections.js';
import { reportCss } from './styles.js';

export const REPORT_CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:";

export interface PageOptions {
  /** The text of chart.js's UMD bundle (dist/chart.umd.min.js), source-map line removed. */
  chartJs: string;
  /** Shown in the footer (tool version, command line). */
  footer?: string;
}

function chartBox(id: string, title: string, small = false): string {
  const logAxes = `<label class="controls"><input type="checkbox" data-log="${h(id)}"> log axes</label>`;
  const canvas = `<canvas id="${h(id)}" role="img" aria-label="${h(title)}"></canvas>`;
  return (
    `<figure><figcaption><strong>${h(title)}</strong> ${logAxes}</figcaption>\n` +
    `<div class="chart-box${small ? ' small' : ''}">${canvas}</div></figure>`
  );
}

export function renderParetoReport(data: ParetoData, opts: PageOptions): string {
  const d0 = data.devices[0]!;
  const q = data.quality;
  const qualityTitle = q ? `${q.metric} (${q.better} is better) vs predicted latency on ${d0.label}` : '';
  const quality = q
    ? `<section id="quality"><h2>${h(q.metric)} vs latency</h2>` +
      `${chartBox('chart-quality-latency', qualityTitle)}</section>`
    : '';
  const blockCharts = (d: { label: string }, i: number) =>
    chartBox(`chart-blocks-params-${i}`, `block latency vs parameters (${d.label})`, true) +
    chartBox(`chart-blocks-macs-${i}`, `block latency vs MACs (${d.label})`, true);
  const blocks = data.devices
    .map((d, i) => `<h3>${h(d.label)}</h3><div class="grid2">${blockCharts(d, i)}</div>`)
    .join('\n');
  const devices =
    data.devices.length > 1
      ? `<section id="devices-compare"><h2>Candidate latency across devices</h2>${transferSection(data)}${data.devices
          .slice(1)
          .map((d, i) => chartBox(`chart-devices-${i + 1}`, `latency on ${d.label} vs latency on ${d0.label}`))
          .join('\n')}</section>`
      : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(data.title)}</title>
<style>${reportCss}</style>
</head>
<body>
<h1>${h(data.title)}</h1>
${flagBanner(data)}
${notesSection(data)}
<section id="latency-params"><h2>Latency vs parameters</h2>
${chartBox('chart-latency-params', `predicted latency on ${d0.label} vs parameters, every candidate`)}
</section>
${quality}
<section id="blocks"><h2>Per block variant</h2>\
<p>Where parameter count fails to predict latency: each point is one stage variant.</p>${blocks}</section>
${heatmapSection(data)}
${devices}
${frontTableSection(data)}
${calibrationSection(data)}
${devicesSection(data)}
${flagsSection(data)}
<footer>${h(opts.footer ?? '')}</footer>
<div id="tooltip" role="tooltip"></div>
<script type="application/json" id="report-data">${scriptJson(data)}</script>
<script>${inlineScript(opts.chartJs)}</script>
<script>${inlineScript(`(function () {${clientUi}\n${clientCloud}\n${clientCharts}\n})();`)}</script>
</body>
</html>
`;
}
