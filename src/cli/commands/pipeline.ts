// `bench pipeline`: one candidate U-Net with one VAE variant on a whole tiled photo, per device:
// per-tile entries measured into the LUT, the photo predicted from it, and restored end to end where
// the runner can loop.
import { runPipeline, type PipelineOptions } from '../../app/pipeline.js';
import { ExitCode, UsageError } from '../../errors.js';
import type { Command } from '../command.js';
import { boolFlag, choiceFlag, listFlag, numberFlag, stringFlag } from '../flags.js';
import { measureHelp, measureOptions, measureOptionsFrom } from '../measure-flags.js';
import { jsonHelp, printJson, printNotes } from '../print.js';
import { ProgressPrinter } from '../progress.js';
import { checkPipelineFiles } from './pipeline-files.js';
import { pipelineJson, pipelineText } from './pipeline-text.js';

/**
 * The measuring flags as bench blocks has them, without those bench pipeline sets itself or describes
 * above (each with its continuation lines).
 */
const pipelineMeasureHelp = measureHelp
  .replace(/\n {2}--(out|latent|json|force) [^\n]*(\n {21}[^\n]*)*/g, '')
  .replace('several devices are measured concurrently', 'several devices one after another')
  // The pipeline's entries take two rounds whatever the profile says (--rounds still changes it).
  .replace(/\(default: the profile's, e\.g\. 4 on\n {21}local, else 2\); /, `(default 2);\n${' '.repeat(21)}`);

export const pipelineCommand: Command = {
  name: 'pipeline',
  summary: 'a candidate with its VAE on a whole tiled photo: per-tile entries, prediction, photo restored end to end',
  usage:
    'bench pipeline [--arch CODE] [--vae VARIANT] [--image WxH | --input photo.png] [--tile 512] [--overlap 128] ' +
    '[--steps 1] [--text-encoder] [--models F] [--device D ...] [--predict-only] [--lut F] [--out F] ' +
    '[--format png|jpeg] [...]',
  help: `  --arch CODE        the U-Net candidate: names or variant indices (default: the teacher)
  --vae VARIANT      VAE variant: a name both halves have (teacher, r1, w0.5, ...), encoder=X,decoder=Y,
                     or indices (default: teacher)
  --image WxH        a generated test picture of this size (default: the profile's; 4000x3000)
  --input FILE       your photo instead (PNG or JPEG)
  --tile N           tile side in pixels, a multiple of 32 (default: the profile's; 512)
  --overlap N        pixels shared by neighbouring tiles, less than the tile (default: tile/4)
  --steps N          U-Net evaluations per tile (default 1, one-step restoration)
  --text-encoder     run the text encoder once per image (default: a fixed prompt embedding)
  --models F         a pipeline manifest: your ONNX files (VAE encoder, U-Net, VAE decoder, optionally
                     the text encoder or a fixed prompt embedding .npy, and a per-tile graph) instead
                     of generated seeded weights
  --predict-only     read the LUT and predict; measure nothing
  --remeasure        measure the per-tile entries again even when the LUT holds them
  --lut F            the LUT to read and add to, F.json with one device, a folder with several (each
                     device's LUT under its default name there, as bench blocks --out; default:
                     reports/<device>-<runner>-l<tile/8>-w<width>-<precision>.lut.json)
  --out F            the restored photo: with one device the file (F.png, or F.jpg with --format
                     jpeg), with several a folder of <device>-pipeline-<W>x<H>.png (.jpg)
                     (default: reports/<device>-pipeline-<W>x<H>.png)
  --format png|jpeg  the restored photo's format (default png); the --out name must say the same
  --force            accept images above 100 megapixels (and --width above 2)
  --vae-catalog F    VAE catalogue (default: block-variants/sd15-vae.json)${pipelineMeasureHelp}
${jsonHelp}

Per tile = VAE encoder + steps x U-Net (measured whole, else the sum of its blocks) + VAE decoder;
per image = tiles x per tile + text encoder + blending + picture in and out. The interval includes
the model error the LUT's per-tile graphs and whole candidates show, or says it is sampling error
only. Exit status 1 when an entry the prediction needs is missing or failed (the commands that
measure them are shown).`,
  options: {
    ...measureOptions,
    arch: { type: 'string' },
    vae: { type: 'string' },
    image: { type: 'string' },
    input: { type: 'string' },
    tile: { type: 'string' },
    overlap: { type: 'string' },
    steps: { type: 'string' },
    'text-encoder': { type: 'boolean' },
    models: { type: 'string' },
    format: { type: 'string' },
    'predict-only': { type: 'boolean' },
    remeasure: { type: 'boolean' },
    lut: { type: 'string' },
    // Its old name, refused with a pointer to --out rather than as an unknown flag.
    picture: { type: 'string' },
    force: { type: 'boolean' },
    'vae-catalog': { type: 'string' },
  },
  async run(args, io) {
    if (stringFlag(args, 'picture') !== undefined) {
      throw new UsageError(
        '--picture: the restored photo is named with --out (F.png or F.jpg; a folder with several devices)',
      );
    }
    if (stringFlag(args, 'latent') !== undefined) {
      throw new UsageError('bench pipeline takes the latent side from the tile (tile/8): give --tile');
    }
    const json = boolFlag(args, 'json');
    const progress = new ProgressPrinter(io, json ? io.stderr : io.stdout);
    // --out is the picture here, not the LUT: the measuring flags are read without it.
    const { out, ...values } = args.values;
    const { latent: _latent, ...measure } = measureOptionsFrom({ ...args, values }, io);
    const lut = stringFlag(args, 'lut');
    const predictOnly = boolFlag(args, 'predict-only');
    const format = choiceFlag(args, 'format', ['png', 'jpeg'] as const) ?? 'png';
    const devices = listFlag(args, 'device').length;
    checkPipelineFiles({ lut, out: out as string | undefined, format, devices, predictOnly });
    const tile = numberFlag(args, 'tile', { integer: true });
    const overlap = numberFlag(args, 'overlap', { integer: true });
    const steps = numberFlag(args, 'steps', { integer: true, min: 1, max: 1000 });
    const text = (name: string) => stringFlag(args, name);
    const options: PipelineOptions = {
      ...measure,
      ...(text('arch') !== undefined ? { arch: text('arch')! } : {}),
      ...(text('vae') !== undefined ? { vae: text('vae')! } : {}),
      ...(text('image') !== undefined ? { image: text('image')! } : {}),
      ...(text('input') !== undefined ? { input: text('input')! } : {}),
      ...(tile !== undefined ? { tile } : {}),
      ...(overlap !== undefined ? { overlap } : {}),
      ...(steps !== undefined ? { steps } : {}),
      ...(lut !== undefined ? { lut } : {}),
      ...(out !== undefined ? { out: out as string } : {}),
      format,
      ...(text('models') !== undefined ? { modelsManifest: text('models')! } : {}),
      ...(text('vae-catalog') !== undefined ? { vaeCatalogFile: text('vae-catalog')! } : {}),
      textEncoder: boolFlag(args, 'text-encoder'),
      predictOnly,
      remeasure: boolFlag(args, 'remeasure'),
      force: boolFlag(args, 'force'),
      onProgress: progress.handle,
    };
    const results = await runPipeline(options);
    progress.finish();
    if (json) {
      const out = results.length === 1 ? pipelineJson(results[0]!) : results.map(pipelineJson);
      printJson(io, out);
    } else {
      io.stdout.write(`${results.map(pipelineText).join('\n\n')}\n`);
    }
    const unavailable = results.filter((r) => !r.predicted.prediction.available);
    const missing = (r: (typeof results)[number]) => r.predicted.prediction.missing.map((m) => m.problem).join(', ');
    printNotes(
      io,
      unavailable.map((r) => `no pipeline prediction on ${r.device}: missing ${missing(r)}`),
    );
    return unavailable.length > 0 ? ExitCode.failure : ExitCode.ok;
  },
};
