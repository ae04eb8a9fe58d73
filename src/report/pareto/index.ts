// `bench report pareto`: the self-contained HTML report of a search (pure string builders).
export { buildParetoData, type BlockPoint, type ParetoData, type ReportDevice } from './data.js';
export { renderParetoReport, REPORT_CSP, type PageOptions } from './page.js';
export { escapeHtml, inlineScript, scriptJson } from './escape.js';
