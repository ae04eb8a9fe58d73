// Speed and size of the search and the Pareto report on the whole 32,768-candidate space, against the
// targets: evaluation + 2-objective front < 100 ms, 3 objectives < 1 s, report < 5 MB, load and draw
// in headless Chromium < 2 s, and the time from a mouse move to a visible tooltip.
// Run: npx tsx bench/search-speed.ts   (uses Debian's /usr/bin/chromium)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadChartJsBundle } from '../src/app/chartjs-bundle.js';
import { loadCatalog } from '../src/catalog/load.js';
import { entryFlags } from '../src/lut/schema.js';
import { createPredictor } from '../src/predict/predictor.js';
import { buildParetoData } from '../src/report/pareto/data.js';
import { renderParetoReport } from '../src/report/pareto/page.js';
import { qualityFromProxies } from '../src/search/quality.js';
import { runSearch, type SearchOptions } from '../src/search/search.js';
import { evaluateSpace } from '../src/search/space.js';
import { launchChromium } from '../test/support/chromium.js';
import { cpuDevice, npuDevice, syntheticLut } from '../test/support/synthetic-lut.js';

const RUNS = 15;
const results: { what: string; value: string; target: string; met: boolean }[] = [];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
function record(what: string, value: number, unit: string, limit: number): void {
  results.push({
    what,
    value: `${value.toFixed(unit === 'MB' ? 2 : 1)} ${unit}`,
    target: `< ${limit} ${unit}`,
    met: value < limit,
  });
}

function time(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

const catalog = loadCatalog();
const predictors = [
  createPredictor(syntheticLut(catalog, cpuDevice), 'cpu.json', catalog),
  createPredictor(syntheticLut(catalog, npuDevice), 'npu.json', catalog),
];
const cat = predictors[0]!.catalog;
const proxies = Object.fromEntries(
  cat.stages.map((s) => [
    s.name,
    Object.fromEntries(
      s.variants.map((v) => [v.name, 10 - v.units.filter((u) => u.kind === 'attention').length * (1 + 0.1 * v.index)]),
    ),
  ]),
);
const quality = qualityFromProxies('proxy.json', cat, proxies, { metric: 'loss', better: 'lower' });

function searchTimes(opts: SearchOptions, withQuality: boolean): number[] {
  const times: number[] = [];
  for (let i = 0; i < RUNS + 3; i++) {
    const t = time(() => runSearch(evaluateSpace(cat, [predictors[0]!], withQuality ? quality : undefined), opts));
    if (i >= 3) times.push(t); // the first runs include JIT warm-up
  }
  return times;
}

const two = searchTimes({ objectives: ['latency', 'params'] }, false);
record('evaluate 32,768 + front (latency, params), median', median(two), 'ms', 100);
const twoQ = searchTimes({ objectives: ['latency', 'quality'] }, true);
record('evaluate 32,768 + front (latency, quality), median', median(twoQ), 'ms', 100);
const three = searchTimes({ objectives: ['latency', 'params', 'macs'] }, false);
record('evaluate 32,768 + front (latency, params, macs), median', median(three), 'ms', 1000);
const threeQ = searchTimes({ objectives: ['latency', 'params', 'quality'] }, true);
record('evaluate 32,768 + front (latency, params, quality), median', median(threeQ), 'ms', 1000);

const space = evaluateSpace(cat, predictors, quality);
const result = runSearch(space, { objectives: ['latency', 'params', 'quality'] });
let html = '';
const renderMs = time(() => {
  html = renderParetoReport(buildParetoData(space, result, { flagNames: entryFlags }), {
    chartJs: loadChartJsBundle(),
  });
});
const sizeMb = Buffer.byteLength(html) / 1e6;
record('report with all points, 2 devices + quality', sizeMb, 'MB', 5);

const dir = mkdtempSync(join(tmpdir(), 'nsb-bench-'));
const file = join(dir, 'pareto.html');
writeFileSync(file, html);
const browser = await launchChromium();
const loads: number[] = [];
const hovers: number[] = [];
try {
  for (let i = 0; i < 4; i++) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const t0 = performance.now();
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector('body[data-ready="true"]');
    const wall = performance.now() - t0;
    if (i > 0) loads.push(wall); // the first load warms the browser's caches
    if (i === 3) {
      // Hover: time from a mouse move onto a candidate to its tooltip being visible.
      const box = (await page.locator('#chart-latency-params').boundingBox())!;
      for (let k = 0; k < 10; k++) {
        const n = (k * 3271) % 32_768;
        const p = (await page.evaluate(`window.nanosdReport.pixelOf('chart-latency-params', ${n})`)) as {
          x: number;
          y: number;
        };
        await page.mouse.move(1, 1);
        await page.waitForSelector('#tooltip', { state: 'hidden' });
        const h0 = performance.now();
        await page.mouse.move(box.x + Math.round(p.x), box.y + Math.round(p.y));
        await page.waitForSelector('#tooltip', { state: 'visible' });
        hovers.push(performance.now() - h0);
      }
    }
    await page.close();
  }
} finally {
  await browser.close();
  rmSync(dir, { recursive: true, force: true });
}
record('report load + draw in headless Chromium, median', median(loads), 'ms', 2000);
record('hover: mouse move to visible tooltip, median', median(hovers), 'ms', 100);
results.push({
  what: 'hover: slowest of 10',
  value: `${Math.max(...hovers).toFixed(1)} ms`,
  target: '(info)',
  met: true,
});
results.push({
  what: 'report rendering in Node (string building)',
  value: `${renderMs.toFixed(1)} ms`,
  target: '(info)',
  met: true,
});
results.push({
  what: 'fronts found',
  value:
    `2-D ${runSearch(space, { objectives: ['latency', 'quality'] }).fronts[0]!.front.length}, ` +
    `3-D ${result.fronts[0]!.front.length}`,
  target: '(info)',
  met: true,
});

const width = Math.max(...results.map((r) => r.what.length));
for (const r of results) {
  const verdict = r.target === '(info)' ? '' : r.met ? 'met' : 'NOT MET';
  process.stdout.write(`${r.what.padEnd(width)}  ${r.value.padStart(12)}  ${r.target.padEnd(10)}  ${verdict}\n`);
}
process.exitCode = results.every((r) => r.met) ? 0 : 1;
