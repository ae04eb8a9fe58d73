// A Pareto report whose stage, variant, device, runtime, file and quality names are all hostile, to
// check that every string from data is escaped in the HTML and in the embedded JSON.
import { loadChartJsBundle } from '../../src/app/chartjs-bundle.js';
import { catalogFromSpec, loadCatalog } from '../../src/catalog/load.js';
import { entryFlags } from '../../src/lut/schema.js';
import { createPredictor } from '../../src/predict/predictor.js';
import { buildParetoData } from '../../src/report/pareto/data.js';
import { renderParetoReport } from '../../src/report/pareto/page.js';
import { qualityFromScores } from '../../src/search/quality.js';
import { runSearch } from '../../src/search/search.js';
import { evaluateSpace } from '../../src/search/space.js';
import { cpuDevice, npuDevice, syntheticLut } from './synthetic-lut.js';

export const EVIL = '</script><img src=x onerror=alert(1)>';

export function evilReport(): string {
  const base = loadCatalog('block-variants/sd15-nanosd.json');
  const spec = structuredClone(base.spec);
  spec.stages[0]!.name = `E1${EVIL}`;
  spec.stages[0]!.variants[1]!.name = `R-A-R${EVIL}`;
  const catalog = catalogFromSpec(spec, 'evil.json');
  const lut = syntheticLut(catalog, {
    ...cpuDevice,
    profile: `dev${EVIL}`,
    fingerprint: `fp${EVIL}`,
    ep: `ep${EVIL}`,
    info: { model: EVIL, [EVIL]: 'key' },
    flags: { [`block/E1${EVIL}/R-A-R${EVIL}/l16/w1/fp32`]: ['throttled'] },
    failed: ['block/D1/R-R-R/l16/w1/fp32'],
  });
  lut.entries.find((e) => e.state === 'failed')!.error = { code: 'X', message: EVIL };
  // A noisy run: a run-wide condition names the device in the banner, which must stay text.
  for (const e of lut.entries.slice(1)) e.flags = [...e.flags, 'outliers'];
  const other = syntheticLut(catalog, { ...npuDevice, profile: `npu${EVIL}` });
  const p = [createPredictor(lut, `lut${EVIL}.json`, catalog), createPredictor(other, 'npu.json', catalog)];
  const cat = p[0]!.catalog;
  const quality = qualityFromScores(
    `q${EVIL}.csv`,
    cat,
    [
      { key: 'line 2', code: '0.0.0.0.0.0', score: 1 },
      { key: 'line 3', code: '3.3.3.7.7.7', score: 0.5 },
    ],
    { metric: `m${EVIL}` },
  );
  const space = evaluateSpace(cat, p, quality);
  const result = runSearch(space, { objectives: ['latency', 'quality'] });
  const data = buildParetoData(space, result, { flagNames: entryFlags, title: `title${EVIL}` });
  return renderParetoReport(data, { chartJs: loadChartJsBundle(), footer: `footer${EVIL}` });
}
