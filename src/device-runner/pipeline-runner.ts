// The end-to-end pipeline runner: a small program pushed to devices that have Node (this machine for
// `local`, a Mac or Linux board over SSH). It restores one whole photo the way an app would: decode
// the picture, cut it into tiles, run VAE encoder -> U-Net x steps -> VAE decoder on each tile with
// onnxruntime, blend the tiles back with a feathered window, write a PNG or JPEG. Models are loaded before
// the clock starts (an app loads them once); the wall time covers decoding the photo to writing the
// result. The U-Net's context is the text encoder's output for the empty prompt (run per photo), a
// fixed prompt embedding (.npy, read before the clock, as an app loads it), or a seeded stand-in.
// It prints one line per event (see runners/ort-node/pipeline-output.ts):
//
//   NSB-PIPELINE/1 start {"version","node","ep","threads","pid"}
//   NSB-PIPELINE/1 load {"encoder":ms,"unet":ms,"decoder":ms,"text":ms}
//   NSB-PIPELINE/1 warmup {"encoder":ms,"unet":ms,"decoder":ms,"text":ms}   (one run each, before the clock)
//   NSB-PIPELINE/1 image {"width","height","format","decodeMs"}
//   NSB-PIPELINE/1 tile {"index","count","encodeMs","denoiseMs","decodeMs","blendMs"}
//   NSB-PIPELINE/1 done {"wallMs","stages":{...},"tiles","peakRssBytes","output"}
//   NSB-PIPELINE/1 error {"stage","message"}
//
// It imports Node built-ins and the pure pixel code shipped beside it; onnxruntime-node and the image
// codecs (pngjs, jpeg-js) are loaded from folders given on the command line.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { TileBlender, tileWindow } from '../pipeline/blend.js';
import { decodeImage, encodeImage, type Codecs } from '../pipeline/image-codec.js';
import { cutTile, type RgbImage } from '../pipeline/pixels.js';
import type { PipelineRunSpec } from '../pipeline/run-spec.js';
import { mulberry32 } from '../stats/rng.js';
import { fromHalf, toHalfArray } from '../onnx/half.js';
import { parseNpy } from '../onnx/npy.js';
import { createAndSave, loadOptimized, optimizedCacheDir } from './optimized-cache.js';
import { sessionOptionsFor, type Ort, type Session } from './ort-types.js';

const PREFIX = 'NSB-PIPELINE/1';

interface Tensor {
  data: Float32Array | Uint16Array;
  dims: readonly number[];
}
function emit(tag: string, payload: unknown): void {
  process.stdout.write(`${PREFIX} ${tag} ${JSON.stringify(payload)}\n`);
}

class StageError extends Error {
  constructor(
    readonly stage: string,
    message: string,
  ) {
    super(message);
  }
}

const now = () => performance.now();

type Opened = { session: Session; ms: number };

class Models {
  constructor(
    private readonly ort: Ort,
    private readonly half: boolean,
    private readonly cacheRoot: string | undefined,
  ) {}

  tensor(data: Float32Array, dims: number[]): unknown {
    if (this.half) return new this.ort.Tensor('float16', toHalfArray(data), dims);
    return new this.ort.Tensor('float32', data, dims);
  }

  /** Token ids as the text encoder declares them: integers, or floats of the run's precision. */
  ids(values: number[], dims: number[], integer: 'int64' | 'int32' | undefined): unknown {
    if (integer === 'int64') return new this.ort.Tensor('int64', BigInt64Array.from(values, BigInt), dims);
    if (integer === 'int32') return new this.ort.Tensor('int32', Int32Array.from(values), dims);
    return this.tensor(Float32Array.from(values), dims);
  }

  /** An output tensor's values as float32 (fp16 models give halves). */
  floats(output: unknown): Float32Array {
    const t = output as Tensor;
    return t.data instanceof Uint16Array ? Float32Array.from(t.data, fromHalf) : t.data;
  }

  /** A session, through the optimized-graph cache when there is one (the same graph the entries ran). */
  async open(model: { path: string; id: string }, options: Record<string, unknown>): Promise<Opened> {
    const t = now();
    const { path } = model;
    try {
      if (!this.cacheRoot) return { session: await this.ort.InferenceSession.create(path, options), ms: now() - t };
      const dir = optimizedCacheDir(this.cacheRoot, model.id, this.ort);
      const session =
        (await loadOptimized(this.ort, dir, options)) ?? (await createAndSave(this.ort, path, dir, options));
      return { session, ms: now() - t };
    } catch (error) {
      throw new StageError('load', `${path}: ${String((error as Error).message).split('\n')[0]}`);
    }
  }
}

/** One DDIM update, affine in the latent and the predicted noise (the host computed the factors). */
function denoiseStep(z: Float32Array, eps: Float32Array, step: PipelineRunSpec['schedule'][number]): void {
  for (let i = 0; i < z.length; i++) z[i] = step.latentScale * z[i]! + step.noiseScale * eps[i]!;
}

function loadModules(spec: PipelineRunSpec): { ort: Ort; codecs: Codecs } {
  const require = createRequire(import.meta.url);
  const from = (dir: string | undefined, name: string) => require(dir ? join(dir, name) : name) as unknown;
  try {
    const ort = require(spec.ort) as Ort;
    const png = from(spec.codecs, 'pngjs') as { PNG: Codecs['PNG'] };
    const jpeg = from(spec.codecs, 'jpeg-js') as Codecs['jpeg'];
    return { ort, codecs: { PNG: png.PNG, jpeg } };
  } catch (error) {
    throw new StageError('runtime', `cannot load a module: ${String((error as Error).message).split('\n')[0]}`);
  }
}

type Stages = Record<'decode' | 'text' | 'encode' | 'denoise' | 'decodeVae' | 'blend' | 'write', number>;
type Sessions = { encoder: Opened; unet: Opened; decoder: Opened; text?: Opened };

function sessionOptions(spec: PipelineRunSpec): Record<string, unknown> {
  // Three sessions take turns: a pool that spins after its model finishes would compete with the next
  // model's threads (on the 2-core host every stage took twice as long). An app running several
  // models turns spinning off the same way.
  return sessionOptionsFor({ ep: spec.ep, epOptions: spec.epOptions, threads: spec.threads, spin: false });
}

function decodePhoto(spec: PipelineRunSpec, codecs: Codecs, stages: Stages): RgbImage {
  const t = now();
  let image: RgbImage & { format: string };
  try {
    image = decodeImage(readFileSync(spec.input), codecs, spec.maxMegapixels);
  } catch (error) {
    throw new StageError('decode', `${spec.input}: ${(error as Error).message}`);
  }
  stages.decode = now() - t;
  emit('image', { width: image.width, height: image.height, format: image.format, decodeMs: stages.decode });
  if (image.width !== spec.plan.width || image.height !== spec.plan.height) {
    const plan = `${spec.plan.width}x${spec.plan.height}`;
    throw new StageError('decode', `${spec.input} is ${image.width}x${image.height}, the plan is for ${plan}`);
  }
  return image;
}

/**
 * One run of each model on zeros before the clock starts: a session's first run allocates its
 * buffers and pages its weights in (seconds for a 512-pixel tile), which an app pays once, not per
 * photo. The time is reported apart from the photo's.
 */
async function warmUp(spec: PipelineRunSpec, m: Models, s: Sessions): Promise<Record<string, number>> {
  const size = spec.plan.tile;
  const side = size / 8;
  const length = spec.unet.contextShape[1]!;
  const timed = async (run: () => Promise<unknown>) => {
    const t = now();
    await run();
    return now() - t;
  };
  const zeros = (dims: number[]) => m.tensor(new Float32Array(dims.reduce((a, b) => a * b, 1)), dims);
  const out: Record<string, number> = {
    encoder: await timed(() => s.encoder.session.run({ [spec.encoder.input]: zeros([1, 3, size, size]) })),
    unet: await timed(() =>
      s.unet.session.run({
        [spec.unet.latent]: zeros([1, 4, side, side]),
        [spec.unet.timestep]: m.tensor(Float32Array.of(999), [1]),
        [spec.unet.context]: zeros(spec.unet.contextShape),
      }),
    ),
    decoder: await timed(() => s.decoder.session.run({ [spec.decoder.input]: zeros([1, 4, side, side]) })),
  };
  if (s.text && spec.text) {
    const ids = m.ids(emptyPromptIds(length), [1, length], spec.text.ids);
    out['text'] = await timed(() => s.text!.session.run({ [spec.text!.input]: ids }));
  }
  return out;
}

/** What restoring a tile needs besides the tile's place. */
type Photo = { image: RgbImage; context: unknown; blender: TileBlender };

/** One tile through encoder -> U-Net x steps -> decoder, blended in; its stage times. */
async function restoreTile(spec: PipelineRunSpec, m: Models, s: Sessions, photo: Photo, at: { x: number; y: number }) {
  const { image, context, blender } = photo;
  const size = spec.plan.tile;
  const side = size / 8;
  let t = now();
  const pixels = m.tensor(cutTile(image, at.x, at.y, size), [1, 3, size, size]);
  const enc = await s.encoder.session.run({ [spec.encoder.input]: pixels });
  const z = Float32Array.from(m.floats(enc[spec.encoder.output]!));
  const encodeMs = now() - t;
  t = now();
  for (const step of spec.schedule) {
    const out = await s.unet.session.run({
      [spec.unet.latent]: m.tensor(z, [1, 4, side, side]),
      [spec.unet.timestep]: m.tensor(Float32Array.of(step.timestep), [1]),
      [spec.unet.context]: context,
    });
    denoiseStep(z, m.floats(out[spec.unet.output]!), step);
  }
  const denoiseMs = now() - t;
  t = now();
  const dec = await s.decoder.session.run({ [spec.decoder.input]: m.tensor(z, [1, 4, side, side]) });
  const decoded = m.floats(dec[spec.decoder.output]!);
  const decodeMs = now() - t;
  t = now();
  const place = { x: at.x, y: at.y, size };
  const { wx, wy } = tileWindow(image.width, image.height, place, spec.plan.overlap);
  blender.add(decoded, place, wx, wy);
  return { encodeMs, denoiseMs, decodeMs, blendMs: now() - t };
}

async function run(spec: PipelineRunSpec): Promise<void> {
  const { ort, codecs } = loadModules(spec);
  const version = ort.env.versions['node'] ?? ort.env.versions['common'];
  emit('start', { version, node: process.version, ep: spec.ep, threads: spec.threads, pid: process.pid });
  const options = sessionOptions(spec);
  // The block runner caches optimized graphs for the CPU provider only; so does this one.
  const m = new Models(ort, spec.precision === 'fp16', spec.ep === 'cpu' ? spec.optimizedCache : undefined);
  const s: Sessions = {
    encoder: await m.open(spec.encoder, options),
    unet: await m.open(spec.unet, options),
    decoder: await m.open(spec.decoder, options),
  };
  if (spec.text) s.text = await m.open(spec.text, options);
  const loads = { encoder: s.encoder.ms, unet: s.unet.ms, decoder: s.decoder.ms };
  emit('load', { ...loads, ...(s.text ? { text: s.text.ms } : {}) });
  emit('warmup', await warmUp(spec, m, s));
  const fixed = spec.promptEmbedding ? readEmbedding(spec, m, spec.promptEmbedding) : undefined;

  const stages: Stages = { decode: 0, text: 0, encode: 0, denoise: 0, decodeVae: 0, blend: 0, write: 0 };
  const wall = now();
  const image = decodePhoto(spec, codecs, stages);
  const context = await promptContext(spec, m, { text: s.text?.session, fixed }, stages);
  const blender = new TileBlender(image.width, image.height);
  const count = spec.plan.tiles.length;
  for (const [index, at] of spec.plan.tiles.entries()) {
    const tile = await restoreTile(spec, m, s, { image, context, blender }, at);
    stages.encode += tile.encodeMs;
    stages.denoise += tile.denoiseMs;
    stages.decodeVae += tile.decodeMs;
    stages.blend += tile.blendMs;
    emit('tile', { index, count, ...tile });
  }
  let t = now();
  const rgb = blender.finish();
  stages.blend += now() - t;
  t = now();
  const picture = { width: image.width, height: image.height, data: rgb };
  writeFileSync(spec.output, encodeImage(picture, spec.outputFormat, codecs));
  stages.write = now() - t;
  const wallMs = now() - wall;
  const peakRssBytes = process.resourceUsage().maxRSS * 1024;
  emit('done', { wallMs, stages, tiles: count, peakRssBytes, output: spec.output });
  for (const x of [s.encoder, s.unet, s.decoder, s.text]) await x?.session.release();
}

/** CLIP's tokenizer on the empty prompt: the start token, then end tokens to the length. */
function emptyPromptIds(length: number): number[] {
  return Array.from({ length }, (_, i) => (i === 0 ? 49406 : 49407));
}

/** The manifest's fixed prompt embedding as the U-Net's context tensor (the host checked it; so again here). */
function readEmbedding(spec: PipelineRunSpec, m: Models, file: string): unknown {
  let values: Float32Array;
  try {
    const a = parseNpy(new Uint8Array(readFileSync(file)));
    const want = spec.unet.contextShape;
    if (a.shape.join(',') !== want.join(',')) {
      throw new Error(`shape [${a.shape.join(',')}], the U-Net's context is [${want.join(',')}]`);
    }
    values = a.values;
  } catch (error) {
    throw new StageError('load', `${file}: ${(error as Error).message}`);
  }
  return m.tensor(values, spec.unet.contextShape);
}

/**
 * The text context the U-Net reads: the fixed prompt embedding when there is one, else the text
 * encoder's output for the empty prompt, else a seeded stand-in (generated weights have no prompt).
 */
async function promptContext(
  spec: PipelineRunSpec,
  m: Models,
  source: { text?: Session | undefined; fixed?: unknown },
  stages: { text: number },
): Promise<unknown> {
  if (source.fixed !== undefined) return source.fixed;
  const [, length, dim] = spec.unet.contextShape;
  const { text } = source;
  if (!text || !spec.text) {
    const rng = mulberry32(spec.seed);
    return m.tensor(
      Float32Array.from({ length: length! * dim! }, () => rng() * 2 - 1),
      spec.unet.contextShape,
    );
  }
  const t = now();
  const ids = m.ids(emptyPromptIds(length!), [1, length!], spec.text.ids);
  const out = await text.run({ [spec.text.input]: ids });
  stages.text = now() - t;
  return m.tensor(Float32Array.from(m.floats(out[spec.text.output]!)), spec.unet.contextShape);
}

function main(): Promise<void> {
  const { values } = parseArgs({ options: { spec: { type: 'string' } }, strict: true });
  if (!values.spec) throw new StageError('runner', '--spec FILE is required');
  const spec = JSON.parse(readFileSync(values.spec, 'utf8')) as PipelineRunSpec;
  return run(spec);
}

main().catch((error: unknown) => {
  const stage = error instanceof StageError ? error.stage : 'run';
  emit('error', { stage, message: String((error as Error)?.message ?? error).split('\n')[0] });
  process.exitCode = stage === 'load' ? 4 : 2;
});
