// The device runner: a small program pushed to devices that have Node (this machine for `local`, a
// Mac or Linux board over SSH, the fake phone in tests). It loads one ONNX model with onnxruntime,
// feeds seeded inputs, runs warm-ups, then timed iterations until the median is precise enough or a
// cap is hit, and prints one line per event in a stable, versioned format (see runners/ort-node/
// parser.ts and the README): `NSB-RUNNER/1 <tag> <payload>`.
//
// It ships as one file: `npm run build` bundles it with the pure modules it imports (stats with
// simple-statistics, onnx/half, parsing/ort-profile-nodes) into dist/device-runner/ort-runner.js
// (scripts/bundle-device-runner.mjs). onnxruntime-node stays outside: it is loaded from --ort, a
// package folder, so a device can keep it anywhere.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { toHalf } from '../onnx/half.js';
import { profileNodes, providerCounts } from '../parsing/ort-profile-nodes.js';
import { reachedTargetMargin, relativeMargin } from '../stats/median-ci.js';
import { mulberry32 } from '../stats/rng.js';
import { createAndSave, loadOptimized, optimizedCacheDir } from './optimized-cache.js';
import { ortVersion, sessionOptionsFor, type Ort, type Session, type TensorData } from './ort-types.js';
import { removeScratchDir, removeScratchOnExit, scratchDir } from './scratch.js';

const PREFIX = 'NSB-RUNNER/1';

function emit(tag: string, payload: unknown): void {
  process.stdout.write(`${PREFIX} ${tag} ${typeof payload === 'string' ? payload : JSON.stringify(payload)}\n`);
}

/** Ends the run with an `error` line naming the stage, and an exit code the harness maps to a cause. */
class Stop extends Error {
  constructor(
    readonly stage: 'runtime' | 'load' | 'run',
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** The first line of an error's message: what the harness shows. */
function firstLine(error: unknown): string {
  return String((error as Error).message ?? error).split('\n')[0] ?? '';
}

interface Settings {
  model: string;
  /** Where onnxruntime-node is: a package folder, or the name resolved from this file. */
  ort: string;
  ep: string;
  epOptions: Record<string, unknown>;
  threads: number;
  /** False: idle intra-op threads sleep instead of spinning, as in an app that runs several models in turn. */
  spin: boolean;
  warmup: number;
  minIterations: number;
  maxIterations: number;
  maxTimeMs: number;
  targetRme: number;
  seed: number;
  /** `name:type:d1,d2,...[:empty-prompt]` per input the harness declares (type float32|float16|int64|int32). */
  inputs: string[];
  profile: boolean;
  optimizedCache: string | undefined;
  modelId: string | undefined;
  probe: boolean;
}

function readSettings(): Settings {
  const { values: v } = parseArgs({
    options: {
      model: { type: 'string', default: '' },
      ort: { type: 'string', default: 'onnxruntime-node' },
      ep: { type: 'string', default: 'cpu' },
      'ep-options': { type: 'string', default: '{}' },
      threads: { type: 'string', default: '0' },
      warmup: { type: 'string', default: '3' },
      'min-iterations': { type: 'string', default: '10' },
      'max-iterations': { type: 'string', default: '200' },
      'max-time-ms': { type: 'string', default: '10000' },
      'target-rme': { type: 'string', default: '0.01' },
      seed: { type: 'string', default: '1' },
      input: { type: 'string', multiple: true, default: [] },
      'no-profile': { type: 'boolean', default: false },
      'no-spin': { type: 'boolean', default: false },
      'optimized-cache': { type: 'string' },
      'model-id': { type: 'string' },
      probe: { type: 'boolean', default: false },
    },
    strict: true,
  });
  return {
    model: v.model,
    ort: v.ort,
    ep: v.ep,
    epOptions: JSON.parse(v['ep-options']) as Record<string, unknown>,
    threads: Number(v.threads),
    spin: !v['no-spin'],
    warmup: Number(v.warmup),
    minIterations: Number(v['min-iterations']),
    maxIterations: Number(v['max-iterations']),
    maxTimeMs: Number(v['max-time-ms']),
    targetRme: Number(v['target-rme']),
    seed: Number(v.seed),
    inputs: v.input,
    profile: !v['no-profile'],
    optimizedCache: v['optimized-cache'],
    modelId: v['model-id'],
    probe: v.probe,
  };
}

/** Loads onnxruntime-node and checks that it has the execution provider asked for. */
function loadRuntime(s: Settings): Ort {
  let ort: Ort;
  try {
    ort = createRequire(import.meta.url)(s.ort) as Ort;
  } catch (error) {
    throw new Stop('runtime', `cannot load onnxruntime-node: ${firstLine(error)}`, 3);
  }
  const { ep, threads, spin } = s;
  const runtime = { runtime: 'onnxruntime-node', version: ortVersion(ort), node: process.version };
  emit('start', { ...runtime, ep, threads, ...(spin ? {} : { spin }), pid: process.pid });
  // An execution provider missing from this onnxruntime-node build would silently run on the CPU.
  const backends = ort.listSupportedBackends?.();
  if (ep !== 'cpu' && backends && !backends.some((b) => b.name === ep)) {
    const names = backends.map((b) => b.name).join(', ');
    throw new Stop('runtime', `execution provider '${ep}' is not in this onnxruntime-node build (${names})`, 3);
  }
  return ort;
}

/** Opens the model's session, through the optimized-graph cache when the CPU provider runs it. */
async function openSession(ort: Ort, s: Settings, profileDir: string | undefined): Promise<Session> {
  const options: Record<string, unknown> = {
    ...sessionOptionsFor(s),
    ...(profileDir ? { enableProfiling: true, profileFilePrefix: join(profileDir, 'p') } : {}),
  };
  const t0 = process.hrtime.bigint();
  const useCache = s.ep === 'cpu' && s.optimizedCache !== undefined && s.modelId !== undefined;
  const cache = useCache ? optimizedCacheDir(s.optimizedCache!, s.modelId!, ort) : undefined;
  let session: Session;
  let graph: 'online' | 'cached' | 'saved' = 'online';
  try {
    const cached = cache ? await loadOptimized(ort, cache, options) : undefined;
    if (cached) {
      session = cached;
      graph = 'cached';
    } else if (cache) {
      session = await createAndSave(ort, s.model, cache, options);
      graph = 'saved';
    } else {
      session = await ort.InferenceSession.create(s.model, options);
    }
  } catch (error) {
    throw new Stop('load', firstLine(error), 4);
  }
  emit('load', ms(t0));
  emit('graph', graph);
  return session;
}

/** CLIP's start and end tokens: its tokenizer gives the empty prompt as the start, then ends to the length. */
const START_TOKEN = 49406;
const END_TOKEN = 49407;

interface InputSpec {
  type: string;
  shape: number[];
  /** Token ids of a text encoder: the empty prompt's, not seeded values. */
  emptyPrompt: boolean;
}

/** `name:type:d1,d2,...[:empty-prompt]` as the harness writes it. */
function parseInputSpec(spec: string): [string, InputSpec] {
  const [name, type, dims, fill] = spec.split(':');
  return [name!, { type: type!, shape: dims!.split(',').map(Number), emptyPrompt: fill === 'empty-prompt' }];
}

const isInteger = (type: string) => type === 'int64' || type === 'int32';

/**
 * An input's values: the empty prompt's ids for token ids; seeded ids in [0, 1000) for any other
 * integer input (an index into a table of at least that many rows, as a vocabulary is); 500 for a
 * timestep; seeded values in [-1, 1) for the rest.
 */
function inputValues(name: string, d: InputSpec, rng: () => number): number[] {
  const n = d.shape.reduce((a, b) => a * b, 1);
  const row = d.shape[d.shape.length - 1] ?? 1;
  if (d.emptyPrompt) return Array.from({ length: n }, (_, i) => (i % row === 0 ? START_TOKEN : END_TOKEN));
  if (isInteger(d.type)) return Array.from({ length: n }, () => Math.floor(rng() * 1000));
  return Array.from({ length: n }, () => (name === 'timestep' ? 500 : rng() * 2 - 1));
}

function tensorOf(ort: Ort, type: string, values: number[], shape: number[]): unknown {
  const data: Record<string, () => TensorData> = {
    float16: () => Uint16Array.from(values, toHalf),
    int64: () => BigInt64Array.from(values, (v) => BigInt(v)),
    int32: () => Int32Array.from(values),
  };
  const make = data[type];
  return make ? new ort.Tensor(type, make(), shape) : new ort.Tensor('float32', Float32Array.from(values), shape);
}

/** Seeded inputs of the declared (or else the model's) types and shapes; reports the model's io. */
function seededFeeds(ort: Ort, session: Session, s: Settings): Record<string, unknown> {
  const declared = new Map(s.inputs.map(parseInputSpec));
  const rng = mulberry32(s.seed);
  const feeds: Record<string, unknown> = {};
  const io = { inputs: [] as unknown[], outputs: [] as unknown[] };
  for (const name of session.inputNames) {
    const meta = session.inputMetadata?.find((m) => m.name === name);
    const d = declared.get(name);
    const type = d?.type ?? meta?.type ?? 'float32';
    const shape = d?.shape ?? (meta?.shape ?? []).map((x) => (typeof x === 'number' && x > 0 ? x : 1));
    const values = inputValues(name, { type, shape, emptyPrompt: d?.emptyPrompt ?? false }, rng);
    feeds[name] = tensorOf(ort, type, values, shape);
    io.inputs.push({ name, type, shape: meta?.shape ?? shape });
  }
  for (const name of session.outputNames) {
    const meta = session.outputMetadata?.find((m) => m.name === name);
    io.outputs.push({ name, type: meta?.type ?? 'unknown', shape: meta?.shape ?? [] });
  }
  emit('io', io);
  return feeds;
}

/** Untimed runs; at least one when profiling, since the profile covers the warm-up only. */
async function warmUp(session: Session, feeds: Record<string, unknown>, runs: number): Promise<void> {
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    try {
      await session.run(feeds);
    } catch (error) {
      throw new Stop('run', firstLine(error), 5);
    }
    // A profiling run that was not asked for as warm-up is still not a sample.
    emit('warmup', `${i + 1} ${ms(t)}`);
  }
}

/** Which provider ran each node, from the warm-up's profile, at no cost to the samples. */
function reportProviders(session: Session, profileDir: string): void {
  session.endProfiling();
  const read = (f: string) => JSON.parse(readFileSync(join(profileDir, f), 'utf8')) as unknown[];
  const events = readdirSync(profileDir).flatMap(read);
  emit('providers', providerCounts(profileNodes(events).nodes));
  removeScratchDir(profileDir);
}

type StopReason = 'target' | 'max-time' | 'max-iterations';

/** Timed runs until the median's margin reaches the target (after the minimum) or a cap is hit. */
async function sampleLoop(
  session: Session,
  feeds: Record<string, unknown>,
  s: Settings,
): Promise<{ samples: number[]; reason: StopReason }> {
  const samples: number[] = [];
  let total = 0;
  let reason: StopReason = 'max-iterations';
  while (samples.length < s.maxIterations) {
    const t = process.hrtime.bigint();
    await session.run(feeds);
    const dt = ms(t);
    samples.push(dt);
    total += dt;
    emit('sample', `${samples.length} ${dt}`);
    if (samples.length >= s.minIterations) {
      if (reachedTargetMargin(samples, s.targetRme)) {
        reason = 'target';
        break;
      }
      if (total >= s.maxTimeMs) {
        reason = 'max-time';
        break;
      }
    }
  }
  return { samples, reason };
}

/** The last lines: peak memory, then how many samples, why the loop stopped, and the median's relative margin. */
function reportResult(samples: readonly number[], reason: StopReason): void {
  // Peak resident set of this process (Node reports kilobytes), model and session included.
  emit('rss', String(process.resourceUsage().maxRSS * 1024));
  emit('done', { n: samples.length, reason, rme: samples.length > 0 ? relativeMargin(samples) : null });
}

async function measure(s: Settings): Promise<void> {
  const ort = loadRuntime(s);
  // --probe: only check that the runtime loads here (used once per run before any model is pushed).
  if (s.probe) {
    emit('done', { n: 0, reason: 'probe', rme: null });
    return;
  }
  if (!s.model) throw new Error('--model is required');
  const profileDir = s.profile ? scratchDir('profile-') : undefined;
  const session = await openSession(ort, s, profileDir);
  const feeds = seededFeeds(ort, session, s);
  await warmUp(session, feeds, Math.max(s.warmup, profileDir ? 1 : 0));
  if (profileDir) reportProviders(session, profileDir);
  const { samples, reason } = await sampleLoop(session, feeds, s);
  reportResult(samples, reason);
  await session.release();
}

function ms(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

removeScratchOnExit();
Promise.resolve()
  .then(() => measure(readSettings()))
  .catch((error: unknown) => {
    const stop = error instanceof Stop ? error : undefined;
    emit('error', { stage: stop?.stage ?? 'runner', message: firstLine(error) });
    process.exitCode = stop?.exitCode ?? 2;
  });
