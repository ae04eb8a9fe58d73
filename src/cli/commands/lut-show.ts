// `bench lut show FILE`: the LUT as a readable table (stage x variant, median, margin, params, MACs,
// flags).
import { showLut } from '../../app/lut-show.js';
import { renderLutTable } from '../../report/text/lut-table.js';
import type { Command } from '../command.js';
import { boolFlag } from '../flags.js';
import { printJson } from '../print.js';

export const lutShowCommand: Command = {
  name: 'lut show',
  summary: 'print a LUT as a table: stage x variant, median ms, margin, n, params, MACs, flags',
  usage: 'bench lut show FILE [--json]',
  help: `
  FILE    a LUT written by bench blocks
  --json  print the validated LUT as JSON instead`,
  options: { json: { type: 'boolean' } },
  positionals: { min: 1, max: 1, names: 'one LUT file' },
  async run(args, io) {
    const lut = showLut({ file: args.positionals[0]! });
    if (boolFlag(args, 'json')) printJson(io, lut);
    else io.stdout.write(renderLutTable(lut));
    return 0;
  },
};
