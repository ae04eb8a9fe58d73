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
  usage:
    'bench blocks [--device local] [--catalog F] [--models F] [--latent N] [--width W] [--precision ' +
    'fp32|fp16] [--stages E1,D3] [--iterations N] [--warmup N] [--out F] [--resume] [--json]',
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

/** Exit codes of the failures a whole run can share (see printResults). */
const EXIT_BY_ERROR: Record<string, number> = {
  NSB_MODEL: ExitCode.model,
  NSB_DEVICE: ExitCode.device,
  NSB_RUNNER: ExitCode.runner,
  NSB_PARSE: ExitCode.runner,
};

/**
 * The LUT table(s) or JSON. Exit 1 when entries failed for different reasons; when every failure has
 * the same kind, that kind's code: 5 for a model the runtime cannot load (or run), the same code as a
 * model refused before the run; 6 for a device that vanished (on the last entries, before the run
 * stopped for it); 7 for a runner that hung and was killed, crashed, or printed output that cannot be
 * parsed. A script can tell "fix the model" from "reconnect the device" from "fix the tool".
 */
export function printResults(
  results: DeviceResult[],
  catalogFile: string | undefined,
  json: boolean,
  io: CliIO,
): number {
  const catalog = loadCatalog(catalogFile ?? defaultCatalogFile());
  const teacher = (stage: string, variant: string) =>
    catalog.spec.stages.find((s) => s.name === stage)?.teacher === variant;
  if (json) {
    io.stdout.write(`${JSON.stringify(results.length === 1 ? results[0]!.lut : results.map((r) => r.lut), null, 1)}\n`);
  } else {
    for (const r of results)
      io.stdout.write(
        `\n${renderLutTable(r.lut, { teacher })}LUT written to ${r.lutFile} (${(r.ms / 1000).toFixed(1)} s)\n`,
      );
  }
  const failed = results.flatMap((r) => r.lut.entries.filter((e) => e.state === 'failed'));
  const shared = new Set(failed.map((e) => EXIT_BY_ERROR[e.error?.code ?? ''] ?? ExitCode.failure));
  if (shared.size === 1) return [...shared][0]!;
  return results.some((r) => r.lut.entries.some((e) => e.state !== 'ok')) ? ExitCode.failure : ExitCode.ok;
}
