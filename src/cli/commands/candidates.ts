// `bench candidates`: whole candidate U-Nets measured end to end, added to the device's LUT next to
// its blocks, so predictions can be checked against the real thing (`bench predict` shows the ratio).
import { runBlocks } from '../../app/blocks.js';
import { UsageError } from '../../errors.js';
import type { Command } from '../command.js';
import { boolFlag, stringFlag } from '../flags.js';
import { measureHelp, measureOptions, measureOptionsFrom } from '../measure-flags.js';
import { ProgressPrinter } from '../progress.js';
import { printResults } from './blocks.js';

export const candidatesCommand: Command = {
  name: 'candidates',
  summary: 'measure whole candidate U-Nets end to end and add them to the device LUT (calibration)',
  usage:
    'bench candidates --arch CODE [--arch CODE ...] [--teacher] ' +
    '[--device local] [--latent N] [--width W] [--out F] [...]',
  help: `
  --arch CODE        a candidate: E1=R-A-R-A,E2=R-R,... or variant indices 0.3.1.0.7.2 (repeatable)
  --teacher          also the teacher U-Net${measureHelp}`,
  options: { ...measureOptions, arch: { type: 'string', multiple: true }, teacher: { type: 'boolean' } },
  async run(args, io) {
    // Codes contain commas: each --arch is one code.
    const raw = args.values['arch'];
    const codes = (Array.isArray(raw) ? raw.map(String) : raw === undefined ? [] : [String(raw)])
      .map((c) => c.trim())
      .filter((c) => c.length > 0);
    if (boolFlag(args, 'teacher')) codes.unshift('teacher');
    if (codes.length === 0) throw new UsageError('bench candidates needs --arch CODE or --teacher');
    const json = boolFlag(args, 'json');
    const progress = new ProgressPrinter(io, json ? io.stderr : io.stdout);
    const results = await runBlocks({
      ...measureOptionsFrom(args, io),
      candidates: codes,
      onProgress: progress.handle,
    });
    progress.finish();
    return printResults(results, stringFlag(args, 'catalog'), json, io);
  },
};
