// `bench predict --lut F --arch CODE`: one candidate's predicted latency (median and 95% interval)
// from block LUTs, with params, MACs and the per-stage breakdown.
import { predictLatency } from '../../app/predict.js';
import { ExitCode, UsageError } from '../../errors.js';
import { renderPrediction } from '../../report/text/prediction.js';
import type { Command } from '../command.js';
import { boolFlag, stringFlag } from '../flags.js';
import { lutInputHelp, lutInputOptions, lutInputsFrom } from '../lut-input-flags.js';
import { jsonHelp, printJson, printNotes } from '../print.js';

export const predictCommand: Command = {
  name: 'predict',
  summary: 'predicted latency of one candidate U-Net from block LUTs, with params, MACs and a per-stage breakdown',
  usage: 'bench predict --lut FILE [--lut FILE ...] --arch CODE [--catalog FILE] [--json]',
  help: `  --arch CODE         the candidate: names (E1=R-A-R-A,E2=R-R,...) or variant indices (3.0.1.7.2.5)
${lutInputHelp}
${jsonHelp}

The prediction is the sum of the six stage variants' block medians and the fixed parts' medians
(conv_in, time_mlp, conv_out). The 95% interval combines the entries' half-widths in quadrature
(independent errors); the conservative interval is the sum of the entries' bounds. When the LUT
holds candidates measured end to end (bench candidates), both intervals also cover the model's own
error as their measured/predicted ratios show it, and say how many they rest on. Exit status 1
when an entry the candidate needs is missing or failed (the entries are named).`,
  options: { ...lutInputOptions, arch: { type: 'string' }, json: { type: 'boolean' } },
  async run(args, io) {
    const arch = stringFlag(args, 'arch');
    if (arch === undefined) {
      throw new UsageError('--arch CODE is required (names E1=R-A-R-A,... or indices 3.0.1.7.2.5)');
    }
    const report = predictLatency({ ...lutInputsFrom(args), arch });
    if (boolFlag(args, 'json')) printJson(io, report, 2);
    else io.stdout.write(renderPrediction(report));
    const unavailable = report.devices.filter((d) => !d.available);
    printNotes(
      io,
      unavailable.map((d) => `no prediction on ${d.device}: missing ${d.missing.join(', ')}`),
    );
    return unavailable.length > 0 ? ExitCode.failure : ExitCode.ok;
  },
};
