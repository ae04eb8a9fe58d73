// `bench blocks`: measure every block variant (and the fixed parts) on one or more devices.
import { runBlocks, type DeviceResult } from '../../app/blocks.js';
import { loadCatalog } from '../../catalog/load.js';
import { ExitCode } from '../../errors.js';
import { defaultCatalogFile } from '../../paths.js';
import { renderLutTable } from '../../report/text/lut-table.js';
import type { CliIO, Command } from '../command.js';
import { boolFlag, listFlag, stringFlag } from '../flags.js';
import { measureHelp, measureOptions, measureOptionsFrom } from '../measure-flags.js';
import { ProgressPrinter } from '../progress.js';

export const blocksCommand: Command = {
  name: 'blocks',
  summary: 'measure every block variant of every stage (and the fixed parts) on a device, write its LUT',
  usage: 'bench blocks [--device local] [--catalog F] [--models F] [--latent N] [--width W] [--precision fp32|fp16] [--stages E1,D3] [--iterations N] [--warmup N] [--out F] [--resume] [--json]',
  help: `${measureHelp}
  --models F         manifest of your own ONNX models per stage variant (replaces generated ones)
  --stages LIST      only these stages and/or parts (E1,D3,conv_in,...)`,
  options: { ...measureOptions, models: { type: 'string' }, stages: { type: 'string', multiple: true } },
  async run(args, io) {
    const json = boolFlag(args, 'json');
    const progress = new ProgressPrinter(io, json ? io.stderr : io.stdout);
    const models = stringFlag(args, 'models');
    const results = await runBlocks({
      ...measureOptionsFrom(args, io),
      ...(models ? { modelsManifest: models } : {}),
      select: listFlag(args, 'stages'),
      onProgress: progress.handle,
    });
    progress.finish();
    return printResults(results, stringFlag(args, 'catalog'), json, io);
  },
};

/**
 * The LUT table(s) or JSON. Exit 1 when any entry failed, except that a run whose every failure is a
 * model the runtime cannot load (or run) exits 5, the same code as a model refused before the run:
 * a script can tell "fix the model" from "look at the device or the tool".
 */
export function printResults(results: DeviceResult[], catalogFile: string | undefined, json: boolean, io: CliIO): number {
  const catalog = loadCatalog(catalogFile ?? defaultCatalogFile());
  const teacher = (stage: string, variant: string) => catalog.spec.stages.find((s) => s.name === stage)?.teacher === variant;
  if (json) {
    io.stdout.write(`${JSON.stringify(results.length === 1 ? results[0]!.lut : results.map((r) => r.lut), null, 1)}\n`);
  } else {
    for (const r of results) io.stdout.write(`\n${renderLutTable(r.lut, { teacher })}LUT written to ${r.lutFile} (${(r.ms / 1000).toFixed(1)} s)\n`);
  }
  const failed = results.flatMap((r) => r.lut.entries.filter((e) => e.state === 'failed'));
  if (failed.length > 0 && failed.every((e) => e.error?.code === 'NSB_MODEL')) return ExitCode.model;
  return results.some((r) => r.lut.entries.some((e) => e.state !== 'ok')) ? ExitCode.failure : ExitCode.ok;
}
