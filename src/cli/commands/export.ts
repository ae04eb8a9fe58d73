// `bench export --out DIR`: generated models plus a manifest.
import { runExport } from '../../app/export.js';
import { UsageError } from '../../errors.js';
import type { Command } from '../command.js';
import { boolFlag, listFlag, numberFlag, precisionFlag, stringFlag } from '../flags.js';
import { checkOutputFolder } from '../output-path.js';
import { MAX_LATENT, MAX_WIDTH, shapeFlags, shapeOptions } from '../shape-flags.js';
import { printJson } from '../print.js';
import { formatBytes, ProgressPrinter } from '../progress.js';

export const exportCommand: Command = {
  name: 'export',
  summary: 'write the generated ONNX models (graphs + shared weights) and a manifest to a folder',
  usage:
    'bench export --out DIR [--catalog F] [--latent N] [--width W] [--force] [--precision fp32|fp16] ' +
    '[--stages E1,D3] [--seed N] [--json]',
  help: `
  --out DIR       destination folder (graphs at the top, weights/ beside them, manifest.json)
  --catalog F     catalogue (default: block-variants/sd15-nanosd.json)
  --latent N      latent side (default 16)
  --width W       width multiplier (default 1)
  --force         allow --latent above ${MAX_LATENT} and --width above ${MAX_WIDTH}
  --precision P   fp32 or fp16 (default fp32)
  --stages LIST   only these stages/parts
  --seed N        weight seed (default 1)
  --store DIR     model store (default: .cache/models, or NANOSD_BENCH_STORE)
  --json          print the result (manifest file, models, files, bytes) as JSON on stdout`,
  options: {
    out: { type: 'string' },
    catalog: { type: 'string' },
    ...shapeOptions,
    precision: { type: 'string' },
    stages: { type: 'string', multiple: true },
    seed: { type: 'string' },
    store: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(args, io) {
    const out = stringFlag(args, 'out');
    if (!out) throw new UsageError('bench export needs --out DIR');
    checkOutputFolder(out);
    const precision = precisionFlag(args) ?? 'fp32';
    const progress = new ProgressPrinter(io, io.stderr);
    const catalogFile = stringFlag(args, 'catalog');
    const store = stringFlag(args, 'store');
    const shape = shapeFlags(args);
    const r = await runExport({
      out,
      ...(catalogFile ? { catalogFile } : {}),
      latent: shape.latent ?? 16,
      width: shape.width ?? 1,
      precision,
      seed: numberFlag(args, 'seed', { integer: true, min: 0 }) ?? 1,
      select: listFlag(args, 'stages'),
      ...(store ? { storeDir: store } : {}),
      onProgress: progress.handle,
    });
    progress.finish();
    if (boolFlag(args, 'json')) printJson(io, r);
    else io.stdout.write(`${r.models} models, ${r.files} files (${formatBytes(r.bytes)}) -> ${r.manifestFile}\n`);
    return 0;
  },
};
