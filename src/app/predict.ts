// `bench predict` as a use case: one candidate's predicted latency on each LUT's device (median and
// 95% interval from its blocks), with params, MACs, the per-stage breakdown and the calibration.
import { parseCandidate } from '../catalog/candidates.js';
import { predictCandidate } from '../predict/predictor.js';
import { summarisePrediction, type PredictionReport } from '../predict/summary.js';
import { blockTableFlags } from '../report/table-flags.js';
import { loadLutInputs, type LutInputOptions } from './lut-inputs.js';

export interface PredictOptions extends LutInputOptions {
  /** The candidate: names (E1=R-A-R-A,E2=R-R,...) or variant indices (3.0.1.7.2.5). */
  arch: string;
}

export type { PredictionReport };

export function predictLatency(o: PredictOptions): PredictionReport {
  const inputs = loadLutInputs(o);
  const candidate = parseCandidate(inputs.resolved, o.arch);
  const predictions = inputs.predictors.map((p) => ({ p, r: predictCandidate(p, candidate) }));
  const first = predictions[0]!.r;
  return {
    candidate: { code: first.code, indices: first.indices, params: first.params, macs: first.macs },
    devices: predictions.map(({ p, r }) => summarisePrediction(p, r, blockTableFlags(p.table).runWide)),
  };
}
