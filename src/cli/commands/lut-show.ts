// `bench lut show FILE`: the LUT as a readable table (stage x variant, median, margin, params, MACs,
// flags).
import { readLut } from '../../lut/io.js';
import { renderLutTable } from '../../report/text/lut-table.js';
import type { Command } from '../command.js';
import { boolFlag } from '../flags.js';

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
    const lut = readLut(args.positionals[0]!);
    io.stdout.write(boolFlag(args, 'json') ? `${JSON.stringify(lut, null, 1)}\n` : renderLutTable(lut));
    return 0;
  },
};
