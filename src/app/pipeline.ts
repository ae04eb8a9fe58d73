// `bench pipeline`: how long one candidate U-Net with one VAE variant takes on a whole photo, tiled,
// on each device. Per device: the per-tile entries are measured into the device's LUT (VAE encoder and
// decoder, U-Net, text encoder, the per-tile graph; same protocol, journal and resume as blocks), the
// photo's latency is predicted from that LUT, and where the runner can run a loop the photo is
// restored end to end and timed, so measured and predicted stand side by side. `predictOnly` reads
// the LUT and nothing else.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { formatCandidate, formatCandidateIndices } from '../catalog/candidates.js';
import { loadCatalog } from '../catalog/load.js';
import type { VaeVariant } from '../catalog/vae.js';
import { loadProfile, profileDirs } from '../devices/load.js';
import type { DeviceProfile } from '../devices/schema.js';
import { InvalidFileError, UsageError } from '../errors.js';
import { readLut } from '../lut/io.js';
import type { Precision } from '../lut/schema.js';
import { mergeSettings, type SettingsOverride } from '../measure/settings.js';
import { loadPipelineModels, readPipelineManifest, type PipelineUserModels } from '../onnx/pipeline-manifest.js';
import { ModelStore } from '../onnx/store.js';
import { defaultStoreDir, packageRoot } from '../paths.js';
import type { ImageFormat } from '../pipeline/image-codec.js';
import { MAX_MEGAPIXELS, parseImageSize, planTiles, type TilePlan } from '../pipeline/tiling.js';
import type { LutConfig } from '../predict/config.js';
import type { PipelineRunOutput } from '../runners/ort-node/pipeline-output.js';
import { bindRunner } from '../runners/registry.js';
import { lutPath, runBlocks } from './blocks.js';
import type { ProgressListener } from './events.js';
import { checkPictureName, endToEndUnsupported, pictureFile, runEndToEnd } from './pipeline-e2e.js';
import { generatedImage, userImage, writeGeneratedImage, type PipelineImage } from './pipeline-image.js';
import { pipelineChoice } from './pipeline-choice.js';
import { promptContextOf, type PromptContext } from './pipeline-context.js';
import { pipelineModels, type PipelineCatalogs, type PipelineModels } from './pipeline-models.js';
import { predictForDevice, type PipelinePredictionResult } from './pipeline-predict.js';

export interface PipelineOptions {
  devices: string[];
  profileDirs?: string[];
  catalogFile?: string;
  vaeCatalogFile?: string;
  textCatalogFile?: string;
  /** Candidate code or `teacher` (default). */
  arch?: string;
  /** VAE variant (default `teacher`). */
  vae?: string;
  /** `WIDTHxHEIGHT` of a generated test picture; or `input`, a PNG/JPEG photo. */
  image?: string;
  input?: string;
  tile?: number;
  overlap?: number;
  steps?: number;
  textEncoder?: boolean;
  width?: number;
  precision?: Precision;
  predictOnly?: boolean;
  /**
   * The LUT read and added to: with one device a file, with several their folder (each device's LUT
   * under its default name, as `bench blocks --out`); default: the device's LUT at the tile's latent side.
   */
  lut?: string;
  /**
   * The restored picture: with one device a file named as `format` says (.png; .jpg or .jpeg), with
   * several their folder (`<device>-pipeline-<W>x<H>.png` each); default reports/ under that name.
   */
  out?: string;
  /** The restored picture's format (default png). */
  format?: ImageFormat;
  force?: boolean;
  /**
   * A pipeline manifest: the user's ONNX files (real weights) instead of the generated seeded ones; its
   * `arch` and `vae` are the candidate and VAE variant when the options do not say.
   */
  modelsManifest?: string;
  /** Measure the per-tile entries again even when the LUT holds them. */
  remeasure?: boolean;
  settings?: SettingsOverride;
  storeDir?: string;
  resume?: boolean;
  restart?: boolean;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  env?: NodeJS.ProcessEnv;
}

/** Milliseconds per model (encoder, unet, decoder, text). */
type Timings = Record<string, number>;

export interface PipelineDeviceResult {
  device: string;
  lutFile: string;
  image: PipelineImage;
  plan: TilePlan;
  config: LutConfig;
  code: string;
  indices: string;
  vae: VaeVariant;
  steps: number;
  text: boolean;
  /** The U-Net's text context in the photo: text encoder, the manifest's embedding, or a seeded stand-in. */
  context: PromptContext;
  predicted: PipelinePredictionResult;
  /** The pipeline manifest whose models ran; absent: generated seeded weights. */
  manifest?: string;
  /** The photo restored end to end on the device, when its runner can. */
  measured?: PipelineRunOutput['done'] & { load: Timings; warmup: Timings; picture: string };
  /** Why the photo was not restored end to end. */
  notMeasured?: string;
}

/** The bundled default catalogues (`block-variants/`). */
const variantsFile = (name: string) => join(packageRoot(), 'block-variants', name);

/** Defaults when neither flags nor the profile say: a 4000x3000 photo in 512-pixel tiles. */
const DEFAULT_PIPELINE = { tile: 512, overlap: 128, image: '4000x3000' };

/**
 * Per-tile entries take seconds each on a CPU: two rounds unless the command line says otherwise
 * (the warm-up stays the profile's, so the entries can share a table with its blocks).
 */
// Idle threads sleep in the entries as they do in the photo runner, where three sessions take turns.
const PIPELINE_SETTINGS: SettingsOverride = { rounds: 2, maxRounds: 2, threadSpinning: false };

/** Flag combinations that cannot work, refused before anything is read. */
function checkOptions(o: PipelineOptions, devices: number, steps: number): void {
  if (devices === 1 && o.out !== undefined) checkPictureName(o.out, o.format ?? 'png');
  if (o.image !== undefined && o.input !== undefined) {
    throw new UsageError('--image and --input exclude each other: a generated picture of a size, or your photo');
  }
  if (!Number.isInteger(steps) || steps < 1 || steps > 1000) {
    throw new UsageError(`--steps ${steps}: must be a whole number from 1 to 1000`);
  }
}

export async function runPipeline(o: PipelineOptions): Promise<PipelineDeviceResult[]> {
  const dirs = profileDirs(o.profileDirs ?? [], o.env);
  const profiles = o.devices.map((d) => loadProfile(d, dirs));
  if (new Set(profiles.map((p) => p.name)).size !== profiles.length) {
    throw new UsageError('--device lists a device twice');
  }
  const steps = o.steps ?? 1;
  checkOptions(o, profiles.length, steps);
  const catalogs: PipelineCatalogs = {
    unet: loadCatalog(o.catalogFile ?? variantsFile('sd15-nanosd.json')),
    vae: loadCatalog(o.vaeCatalogFile ?? variantsFile('sd15-vae.json')),
    text: loadCatalog(o.textCatalogFile ?? variantsFile('sd15-text-encoder.json')),
  };
  const manifest = o.modelsManifest ? readPipelineManifest(o.modelsManifest) : undefined;
  // Every device's choice, files and models checked before the first device is touched.
  const setups = profiles.map((p) => setUp(o, p, { catalogs, manifest, devices: profiles.length }));
  const results: PipelineDeviceResult[] = [];
  for (const [i, profile] of profiles.entries()) {
    results.push(await runDevice(o, profile, catalogs, { steps, devices: profiles.length, setup: setups[i]! }));
  }
  return results;
}

interface DeviceSetup {
  plan: TilePlan;
  image: PipelineImage;
  config: LutConfig;
  candidate: number[];
  vae: VaeVariant;
  lutFile: string;
  /** The text encoder runs (asked for, or listed by the manifest). */
  text: boolean;
  context: PromptContext;
  user?: PipelineUserModels;
}

interface SetUpContext {
  catalogs: PipelineCatalogs;
  manifest: ReturnType<typeof readPipelineManifest> | undefined;
  devices: number;
}

/** Everything checked before any device work: image, tiles, candidate, VAE variant, LUT path. */
function setUp(o: PipelineOptions, profile: DeviceProfile, c: SetUpContext): DeviceSetup {
  const { catalogs, manifest, devices } = c;
  const d = profile.defaults.pipeline ?? {};
  const tile = o.tile ?? d.tile ?? DEFAULT_PIPELINE.tile;
  const overlap = o.overlap ?? (o.tile !== undefined ? o.tile / 4 : (d.overlap ?? DEFAULT_PIPELINE.overlap));
  const force = o.force === true;
  const user = o.input ? userImage(o.input, force) : undefined;
  const size = user?.size ?? parseImageSize(o.image ?? d.image ?? DEFAULT_PIPELINE.image);
  const plan = planTiles(size, { tile, overlap, force });
  const width = o.width ?? profile.defaults.width ?? 1;
  const precision = o.precision ?? profile.defaults.precision ?? 'fp32';
  const config: LutConfig = { latent: plan.latent, width, precision };
  const resolved = { unet: catalogs.unet.resolve(plan.latent, width), vae: catalogs.vae.resolve(plan.latent, 1) };
  const { candidate, vae } = pipelineChoice({ arch: o.arch, vae: o.vae }, manifest, resolved);
  const text = o.textEncoder === true || manifest?.models.textEncoder !== undefined;
  // Predicting reads only the LUT: the models are opened and checked when they will run.
  const models =
    manifest && !o.predictOnly ? loadPipelineModels(manifest, { tile: plan.tile, precision, text }) : undefined;
  const lutFile = lutPath(o.lut, devices, profile, bindRunner(profile).runner.name, plan.latent, width, precision);
  // A generated picture is written only once every check has passed, beside the LUT's raw output.
  const { width: w, height: h } = plan.image;
  const image = user ?? generatedImage(plan.image, force, join(`${lutFile}.raw`, `input-${w}x${h}.png`));
  const context = promptContextOf(text, manifest, models);
  return { plan, image, config, candidate, vae, lutFile, text, context, ...(models ? { user: models } : {}) };
}

/** The per-tile entries into the device's LUT, through the blocks' protocol, journal and resume. */
async function measureEntries(
  o: PipelineOptions,
  profile: DeviceProfile,
  s: DeviceSetup,
  models: PipelineModels,
): Promise<void> {
  const { encoder, unet, decoder, text, tile } = models;
  const entries = [encoder, unet, decoder, ...(text ? [text] : []), ...(tile ? [tile] : [])];
  await runBlocks({
    devices: [profile.name],
    ...(o.profileDirs ? { profileDirs: o.profileDirs } : {}),
    ...(o.catalogFile ? { catalogFile: o.catalogFile } : {}),
    latent: s.config.latent,
    width: s.config.width,
    precision: s.config.precision,
    settings: { ...PIPELINE_SETTINGS, ...o.settings },
    out: s.lutFile,
    planEntries: async () => ({ entries }),
    keepMeasured: o.remeasure !== true,
    ...(o.resume ? { resume: true } : {}),
    ...(o.restart ? { restart: true } : {}),
    ...(o.storeDir ? { storeDir: o.storeDir } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
    ...(o.env ? { env: o.env } : {}),
  });
}

function predictDevice(
  o: PipelineOptions,
  profile: DeviceProfile,
  s: DeviceSetup,
  catalogs: PipelineCatalogs,
  steps: number,
): PipelinePredictionResult {
  if (!existsSync(s.lutFile)) {
    const where = `for ${profile.name} at latent ${s.config.latent} (tile ${s.plan.tile} px)`;
    throw new InvalidFileError(s.lutFile, undefined, `no LUT to predict from ${where}`, {
      hint: 'measure its entries with the same flags without --predict-only, or name a table with --lut',
    });
  }
  const { plan, config, text } = s;
  const commands = {
    device: profile.name,
    indices: formatCandidateIndices(s.candidate),
    vae: s.vae.name,
    tile: plan.tile,
    overlap: plan.overlap,
    steps,
    text,
    latent: config.latent,
    width: config.width,
    // The file itself, also when --lut named the devices' folder: the commands are per device.
    ...(o.lut ? { lut: s.lutFile } : {}),
    ...(o.modelsManifest ? { models: o.modelsManifest } : {}),
  };
  const lut = readLut(s.lutFile);
  const { candidate, vae, lutFile } = s;
  const formats = { input: s.image.format, output: o.format ?? 'png' };
  return predictForDevice({ lut, lutFile, catalogs, config, candidate, vae, steps, text, plan, formats, commands });
}

async function runDevice(
  o: PipelineOptions,
  profile: DeviceProfile,
  catalogs: PipelineCatalogs,
  run: { steps: number; devices: number; setup: DeviceSetup },
): Promise<PipelineDeviceResult> {
  const { steps, setup: s } = run;
  const { text } = s;
  const threads = profile.threads !== undefined ? { threads: profile.threads } : undefined;
  const settings = mergeSettings(profile.measure, PIPELINE_SETTINGS, threads, o.settings);
  const store = new ModelStore(o.storeDir ?? defaultStoreDir(), {
    onGenerate: (what, bytes) => o.onProgress?.({ type: 'generate', what, bytes }),
  });
  const choice = { candidate: s.candidate, vae: s.vae, steps, text };
  const models = o.predictOnly ? undefined : pipelineModels(catalogs, choice, s.config, store, settings.seed, s.user);
  if (models) await measureEntries(o, profile, s, models);
  const predicted = predictDevice(o, profile, s, catalogs, steps);
  const unet = catalogs.unet.resolve(s.config.latent, s.config.width);
  const result: PipelineDeviceResult = {
    device: profile.name,
    lutFile: s.lutFile,
    image: s.image,
    plan: s.plan,
    config: s.config,
    code: formatCandidate(unet, s.candidate),
    indices: formatCandidateIndices(s.candidate),
    vae: s.vae,
    steps,
    text,
    context: s.context,
    predicted,
    ...(s.user ? { manifest: s.user.file } : {}),
  };
  if (!models) return { ...result, notMeasured: '--predict-only' };
  const unsupported = endToEndUnsupported(profile);
  if (unsupported) return { ...result, notMeasured: unsupported };
  const format = o.format ?? 'png';
  const picture = pictureFile({ file: o.out, format }, run.devices, profile.name, s.plan);
  mkdirSync(dirname(picture), { recursive: true });
  writeGeneratedImage(s.image, settings.seed);
  const done = await runEndToEnd({
    profile,
    models,
    input: s.image.file,
    output: picture,
    outputFormat: format,
    plan: s.plan,
    steps,
    threads: settings.threads,
    seed: settings.seed,
    maxMegapixels: o.force ? Number.MAX_SAFE_INTEGER : MAX_MEGAPIXELS,
    timeoutMs: Math.max(settings.timeoutMs, 3_600_000),
    hostDir: `${s.lutFile}.raw`,
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
  });
  const measured = { ...done.done!, load: done.load ?? {}, warmup: done.warmup ?? {}, picture };
  return { ...result, measured };
}
