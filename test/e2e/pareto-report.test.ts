// The Pareto report in a real browser (Debian's Chromium through playwright-core): it opens from a
// file:// URL offline, draws every chart, shows candidate codes on hover, lists the right front and
// escapes hostile names. A screenshot is kept in test-artifacts/ (git-ignored).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportParetoCommand } from '../../src/cli/commands/report-pareto.js';
import { candidateAt, formatCandidate } from '../../src/catalog/candidates.js';
import { loadCatalog } from '../../src/catalog/load.js';
import type { EntryFlag } from '../../src/lut/schema.js';
import { createPredictor } from '../../src/predict/predictor.js';
import { readQualityFile } from '../../src/search/quality-file.js';
import { runSearch } from '../../src/search/search.js';
import { evaluateSpace } from '../../src/search/space.js';
import { launchChromium } from '../support/chromium.js';
import { EVIL, evilReport } from '../support/evil-report.js';
import { runCommand } from '../support/run-command.js';
import { cpuDevice, mulberry32, npuDevice, syntheticLut } from '../support/synthetic-lut.js';

const ARTIFACTS = join(process.cwd(), 'test-artifacts');

const catalog = loadCatalog('block-variants/sd15-nanosd.json');
const dir = mkdtempSync(join(tmpdir(), 'nsb-pareto-e2e-'));
const reportFile = join(dir, 'pareto.html');
const files = { cpu: join(dir, 'cpu.json'), npu: join(dir, 'npu.json'), quality: join(dir, 'quality.csv') };

let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];
const requests: string[] = [];
let expectedFront: number[] = [];

function writeInputs(): void {
  // A noisy host's run: `outliers` on 38 of the 39 entries (all but conv_out), a condition of the run;
  // one block throttled and one part short of its margin, flags that change what to do with them.
  const ids = syntheticLut(catalog, cpuDevice).entries.map((e) => e.id);
  const flags: Record<string, EntryFlag[]> = Object.fromEntries(ids.slice(0, -1).map((id) => [id, ['outliers']]));
  flags['block/E1/R-A-R-A/l16/w1/fp32'] = ['outliers', 'throttled'];
  flags['part/conv_in/l16/w1/fp32'] = ['outliers', 'margin-not-reached'];
  writeFileSync(files.cpu, JSON.stringify(syntheticLut(catalog, { ...cpuDevice, flags })));
  writeFileSync(files.npu, JSON.stringify(syntheticLut(catalog, npuDevice)));
  // A teacher-aligned FID-like score for 90% of the candidates: more attention, lower (better) score.
  const cat = catalog.resolve(16, 1);
  const rand = mulberry32(5);
  const lines = ['# metric: taFID', '# better: lower', 'code,score'];
  for (let n = 0; n < 32_768; n++) {
    if (rand() < 0.1) continue;
    const c = candidateAt(cat, n);
    const attention = c.reduce(
      (s, v, i) => s + cat.stages[i]!.variants[v]!.units.filter((u) => u.kind === 'attention').length,
      0,
    );
    lines.push(`"${formatCandidate(cat, c)}",${(30 - attention * 1.5 + rand() * 2).toFixed(3)}`);
  }
  writeFileSync(files.quality, `${lines.join('\n')}\n`);
}

async function paintedPixels(p: Page, id: string): Promise<number> {
  return p.evaluate(`(() => {
    const c = document.getElementById(${JSON.stringify(id)});
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
    return n;
  })()`);
}

async function hoverAt(p: Page, id: string, x: number, y: number): Promise<string> {
  const canvas = p.locator(`#${id}`);
  await canvas.scrollIntoViewIfNeeded();
  const box = (await canvas.boundingBox())!;
  await p.mouse.move(box.x + x, box.y + y);
  await p.waitForSelector('#tooltip', { state: 'visible', timeout: 5000 });
  return (await p.textContent('#tooltip')) ?? '';
}

beforeAll(async () => {
  writeInputs();
  const r = await runCommand(reportParetoCommand, [
    '--lut',
    files.cpu,
    '--lut',
    files.npu,
    '--quality',
    files.quality,
    '--out',
    reportFile,
  ]);
  expect(r.code, r.stderr).toBe(0);
  const predictors = [
    createPredictor(syntheticLut(catalog, { ...cpuDevice }), files.cpu, catalog),
    createPredictor(syntheticLut(catalog, npuDevice), files.npu, catalog),
  ];
  const space = evaluateSpace(
    predictors[0]!.catalog,
    predictors,
    readQualityFile(files.quality, predictors[0]!.catalog),
  );
  expectedFront = runSearch(space, { objectives: ['latency', 'params', 'quality'] }).fronts[0]!.front;
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  page.on('request', (req) => requests.push(req.url()));
  await page.goto(pathToFileURL(reportFile).href);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
});

afterAll(async () => {
  await browser?.close();
});

describe('Pareto report in Chromium', () => {
  it('opens from a file URL with no console error and no request but the file itself', () => {
    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([pathToFileURL(reportFile).href]);
  });

  it('draws every chart', async () => {
    const ids: string[] = await page.evaluate('Array.from(document.querySelectorAll("canvas")).map((c) => c.id)');
    expect(ids).toEqual(
      expect.arrayContaining([
        'chart-latency-params',
        'chart-quality-latency',
        'chart-blocks-params-0',
        'chart-blocks-macs-1',
        'chart-devices-1',
      ]),
    );
    for (const id of ids) expect(await paintedPixels(page, id), id).toBeGreaterThan(2000);
  });

  it('lists the search front in the front table, sortable', async () => {
    const numbers: number[] = await page.evaluate(
      'Array.from(document.querySelectorAll("#front-table tbody tr")).map((r) => Number(r.dataset.number))',
    );
    expect(numbers).toEqual(expectedFront);
    await page.click('#front-table th[data-col="3"]');
    await page.click('#front-table th[data-col="3"]');
    const latencies: number[] = await page.evaluate(
      'Array.from(document.querySelectorAll("#front-table tbody tr")).map((r) => Number(r.cells[3].dataset.sort))',
    );
    expect(latencies).toEqual([...latencies].sort((a, b) => b - a));
  });

  it("shows a front point's code in the tooltip on hover, and a plain candidate's too", async () => {
    // The search front (latency, params, quality) is drawn as its own dataset on the main chart.
    const target: { n: number; x: number; y: number } = await page.evaluate(`(() => {
      const chart = window.nanosdReport.charts['chart-latency-params'];
      const refs = new Set(window.nanosdReport.data.references.map((r) => r.number));
      const i = chart.data.datasets.findIndex((d) => d.label.startsWith('front ('));
      const meta = chart.getDatasetMeta(i);
      const j = chart.data.datasets[i].data.findIndex((p) => !refs.has(p.n));
      return { n: chart.data.datasets[i].data[j].n, x: meta.data[j].x, y: meta.data[j].y };
    })()`);
    expect(expectedFront).toContain(target.n);
    const code = formatCandidate(catalog.resolve(16, 1), candidateAt(catalog.resolve(16, 1), target.n));
    const frontTip = await hoverAt(page, 'chart-latency-params', target.x, target.y);
    expect(frontTip).toContain(code);
    expect(frontTip).not.toContain('outliers');
    await page.mouse.move(1, 1);
    // A candidate off every front is drawn by the cloud plugin, with its own hover. Take one far from
    // the (chart.js) front points; candidates can share a pixel, so the tooltip must name one of those
    // nearest to the (whole-pixel) pointer position.
    const probe: { x: number; y: number; nearest: number[] } = await page.evaluate(`(() => {
      const r = window.nanosdReport, id = 'chart-devices-1', front = new Set(r.data.front);
      const fp = r.data.front.map((n) => r.pixelOf(id, n)).filter(Boolean);
      let x = 0, y = 0;
      for (let n = 0; n < r.data.size; n += 7) {
        const p = r.pixelOf(id, n);
        if (!p || front.has(n) || fp.some((q) => Math.hypot(q.x - p.x, q.y - p.y) < 12)) continue;
        x = Math.round(p.x); y = Math.round(p.y);
        break;
      }
      let best = Infinity, nearest = [];
      for (let n = 0; n < r.data.size; n++) {
        const p = r.pixelOf(id, n);
        if (!p) continue;
        const d = Math.hypot(p.x - x, p.y - y);
        if (d < best - 1e-9) { best = d; nearest = [n]; } else if (Math.abs(d - best) <= 1e-9) nearest.push(n);
      }
      return { x, y, nearest };
    })()`);
    const text = await hoverAt(page, 'chart-devices-1', probe.x, probe.y);
    const shown = (await page.textContent('#tooltip .tt-code')) ?? '';
    const cat16 = catalog.resolve(16, 1);
    expect(probe.nearest.map((n) => formatCandidate(cat16, candidateAt(cat16, n)))).toContain(shown);
    expect(text).toContain('local:');
    expect(text).toContain('s25:');
  });

  it('switches axes between linear and logarithmic', async () => {
    const read =
      "(() => { const c = window.nanosdReport.charts['chart-latency-params']; " +
      'return [c.scales.x.type, c.scales.y.type]; })()';
    const box = page.locator('input[data-log="chart-latency-params"]');
    await box.scrollIntoViewIfNeeded();
    const before = await page.screenshot({ clip: (await page.locator('#chart-latency-params').boundingBox())! });
    await box.check();
    expect(await page.evaluate(read)).toEqual(['logarithmic', 'logarithmic']);
    const after = await page.screenshot({ clip: (await page.locator('#chart-latency-params').boundingBox())! });
    expect(after.equals(before)).toBe(false);
    expect(await paintedPixels(page, 'chart-latency-params')).toBeGreaterThan(2000);
    await box.uncheck();
    expect(await page.evaluate(read)).toEqual(['linear', 'linear']);
  });

  it('tells a run-wide flag once and the flags of single entries on their cells, rows and tooltips', async () => {
    const banner = (await page.textContent('#flag-banner')) ?? '';
    expect(banner).toContain('Run-wide: local: outliers in 38 of 39 entries: this host is noisy (');
    expect(banner.split('outliers').length - 1).toBe(2); // the flag and its meaning, once
    expect(banner).toContain('Measurement flags: throttled ×1, margin-not-reached ×1.');
    const text = (selector: string): Promise<string> =>
      page.evaluate(`document.querySelector(${JSON.stringify(selector)}).textContent`);
    const texts = (selector: string): Promise<string[]> =>
      page.evaluate(`Array.from(document.querySelectorAll(${JSON.stringify(selector)}), (e) => e.textContent)`);
    // The heat map: no cell says outliers; E1's first variant says throttled, conv_in margin-not-reached.
    expect(await text('#heatmap')).not.toContain('outliers');
    expect(await text('#heatmap tbody tr td')).toMatch(/^R-A-R-A[\d.]+ msthrottled$/);
    expect((await texts('#heatmap p'))[0]).toMatch(/conv_in [\d.]+ ms margin-not-reached; time_mlp [\d.]+ ms; /);
    expect(await text('#front-table')).not.toContain('outliers');
    // The Flags section lists the two entries that need attention, and every flag of every entry folded.
    const attention = await texts('#flags > table.plain tbody tr');
    expect(attention).toEqual([
      'block/E1/R-A-R-A/l16/w1/fp32okthrottled',
      'part/conv_in/l16/w1/fp32okmargin-not-reached',
    ]);
    expect(await text('#flags ul.run-wide')).toContain('outliers in 38 of 39 entries: this host is noisy');
    expect(await text('#flags details summary')).toBe('Every flag of every entry (38 of 39 entries carry flags)');
    const all = await texts('#flags details tbody tr');
    expect(all).toHaveLength(38);
    expect(all).toContain('block/E1/R-A-R-A/l16/w1/fp32okoutliers throttled');
    // The page embeds every flag; a block's tooltip shows only its own.
    const embedded: number = await page.evaluate(
      'window.nanosdReport.data.devices[0].blocks.filter((b) => b.flags.includes("outliers")).length',
    );
    expect(embedded).toBe(38);
    const point: { x: number; y: number } = await page.evaluate(`(() => {
      const r = window.nanosdReport;
      const b = r.data.devices[0].blocks.findIndex((x) => x.stage === 'E1' && x.variant === 'R-A-R-A');
      const chart = r.charts['chart-blocks-params-0'];
      const j = chart.data.datasets[0].data.findIndex((p) => p.b === b);
      const p = chart.getDatasetMeta(0).data[j];
      return { x: p.x, y: p.y };
    })()`);
    const tooltip = await hoverAt(page, 'chart-blocks-params-0', point.x, point.y);
    expect(tooltip).toContain('E1 R-A-R-A');
    expect(tooltip).toContain('flags: throttled');
    expect(tooltip).not.toContain('outliers');
    await page.mouse.move(1, 1);
  });

  it('saves a screenshot artefact', async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.mouse.move(1, 1);
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: join(ARTIFACTS, 'pareto-report.png'), fullPage: false });
  });

  it('renders hostile names as text only', async () => {
    const evilFile = join(dir, 'evil.html');
    writeFileSync(evilFile, evilReport());
    const p = await browser.newPage();
    const errors: string[] = [];
    let dialogs = 0;
    p.on('pageerror', (e) => errors.push(String(e)));
    p.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    p.on('dialog', (d) => {
      dialogs++;
      void d.dismiss();
    });
    await p.goto(pathToFileURL(evilFile).href);
    await p.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
    expect(await p.evaluate('document.querySelectorAll("img").length')).toBe(0);
    expect(await p.title()).toBe(`title${EVIL}`);
    expect(await p.textContent('h1')).toBe(`title${EVIL}`);
    expect(errors).toEqual([]);
    expect(dialogs).toBe(0);
    await p.close();
  });
});
