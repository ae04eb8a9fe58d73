// The device runner: a small program pushed to devices that have Node (this machine for `local`, a
// Mac or Linux board over SSH, the fake phone in tests). It loads one ONNX model with onnxruntime,
// feeds seeded inputs, runs warm-ups, then timed iterations until the median is precise enough or a
// cap is hit, and prints one line per event in a stable, versioned format (see runners/parsers/
// nsb-runner.ts and the README): `NSB-RUNNER/1 <tag> <payload>`.
//
// It imports nothing but Node built-ins, the pure statistics module and the optimized-graph cache
// (shipped beside it) and onnxruntime-node (from --ort, a package folder, so a device can keep it anywhere).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { reachedTargetMargin, relativeMargin } from '../stats/median-ci.js';
import { mulberry32 } from '../stats/rng.js';
import { createAndSave, loadOptimized, optimizedCacheDir } from './optimized-cache.js';

const PREFIX = 'NSB-RUNNER/1';

interface Ort {
  env: { versions: Record<string, string> };
  InferenceSession: { create(path: string, options: Record<string, unknown>): Promise<Session> };
  Tensor: new (type: string, data: Float32Array | Uint16Array, dims: number[]) => unknown;
}
interface Session {
  inputNames: readonly string[];
  outputNames: readonly string[];
  inputMetadata?: readonly { name: string; type?: string; shape?: readonly (number | string)[] }[];
  outputMetadata?: readonly { name: string; type?: string; shape?: readonly (number | string)[] }[];
  run(feeds: Record<string, unknown>): Promise<Record<string, unknown>>;
  endProfiling(): void;
  release(): Promise<void>;
}

function emit(tag: string, payload: unknown): void {
  process.stdout.write(`${PREFIX} ${tag} ${typeof payload === 'string' ? payload : JSON.stringify(payload)}\n`);
}

function toHalf(v: number): number {
  // Inputs lie in [-1, 1] or are small integers: plain truncating conversion is exact enough.
  const f = new Float32Array([v]);
  const x = new Uint32Array(f.buffer)[0]!;
  const sign = (x >>> 16) & 0x8000;
  const e = ((x >>> 23) & 0xff) - 112;
  if (e <= 0) return sign;
  if (e >= 31) return sign | 0x7c00;
  return sign | (e << 10) | ((x >>> 13) & 0x3ff);
}

function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      model: { type: 'string' },
      ort: { type: 'string' },
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
      'optimized-cache': { type: 'string' },
      'model-id': { type: 'string' },
      probe: { type: 'boolean', default: false },
    },
    strict: true,
  });
  return measure(values as Record<string, string | string[] | boolean>);
}

async function measure(v: Record<string, string | string[] | boolean>): Promise<void> {
  const model = String(v['model'] ?? '');
  const require = createRequire(import.meta.url);
  let ort: Ort;
  try {
    ort = require(typeof v['ort'] === 'string' ? v['ort'] : 'onnxruntime-node') as Ort;
  } catch (error) {
    emit('error', { stage: 'runtime', message: `cannot load onnxruntime-node: ${(error as Error).message.split('\n')[0]}` });
    process.exitCode = 3;
    return;
  }
  const ep = String(v['ep']);
  const epOptions = JSON.parse(String(v['ep-options'])) as Record<string, unknown>;
  const threads = Number(v['threads']);
  emit('start', { runtime: 'onnxruntime-node', version: ort.env.versions['node'] ?? ort.env.versions['common'], node: process.version, ep, threads, pid: process.pid });
  // An execution provider missing from this onnxruntime-node build would silently run on the CPU.
  const backends = (ort as { listSupportedBackends?: () => { name: string }[] }).listSupportedBackends?.();
  if (ep !== 'cpu' && backends && !backends.some((b) => b.name === ep)) {
    emit('error', { stage: 'runtime', message: `execution provider '${ep}' is not in this onnxruntime-node build (${backends.map((b) => b.name).join(', ')})` });
    process.exitCode = 3;
    return;
  }
  // --probe: only check that the runtime loads here (used once per run before any model is pushed).
  if (v['probe']) {
    emit('done', { n: 0, reason: 'probe', rme: null });
    return;
  }
  if (!model) throw new Error('--model is required');

  const profileDir = v['no-profile'] ? undefined : mkdtempSync(join(tmpdir(), 'nsb-profile-'));
  const providers = ep === 'cpu' ? ['cpu'] : [{ name: ep, ...epOptions }, 'cpu'];
  const options: Record<string, unknown> = {
    executionProviders: providers,
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    interOpNumThreads: 1,
    ...(threads > 0 ? { intraOpNumThreads: threads } : {}),
    ...(profileDir ? { enableProfiling: true, profileFilePrefix: join(profileDir, 'p') } : {}),
  };
  let session: Session;
  const t0 = process.hrtime.bigint();
  const cache = ep === 'cpu' && typeof v['optimized-cache'] === 'string' && typeof v['model-id'] === 'string' ? optimizedCacheDir(v['optimized-cache'], v['model-id'], ort) : undefined;
  let graph: 'online' | 'cached' | 'saved' = 'online';
  try {
    const cached = cache ? await loadOptimized<Session>(ort, cache, options) : undefined;
    if (cached) {
      session = cached;
      graph = 'cached';
    } else if (cache) {
      session = await createAndSave<Session>(ort, model, cache, options);
      graph = 'saved';
    } else {
      session = await ort.InferenceSession.create(model, options);
    }
  } catch (error) {
    emit('error', { stage: 'load', message: String((error as Error).message).split('\n')[0] });
    process.exitCode = 4;
    return;
  }
  emit('load', ms(t0));
  emit('graph', graph);
  const declared = new Map<string, { type: string; shape: number[] }>();
  for (const spec of v['input'] as string[]) {
    const [name, type, dims] = spec.split(':');
    declared.set(name!, { type: type!, shape: dims!.split(',').map(Number) });
  }
  const rng = mulberry32(Number(v['seed']));
  const feeds: Record<string, unknown> = {};
  const io = { inputs: [] as unknown[], outputs: [] as unknown[] };
  for (const name of session.inputNames) {
    const meta = session.inputMetadata?.find((m) => m.name === name);
    const d = declared.get(name);
    const type = d?.type ?? meta?.type ?? 'float32';
    const shape = d?.shape ?? (meta?.shape ?? []).map((x) => (typeof x === 'number' && x > 0 ? x : 1));
    const n = shape.reduce((a, b) => a * b, 1);
    const values = Array.from({ length: n }, () => (name === 'timestep' ? 500 : rng() * 2 - 1));
    feeds[name] = type === 'float16' ? new ort.Tensor('float16', Uint16Array.from(values, toHalf), shape) : new ort.Tensor('float32', Float32Array.from(values), shape);
    io.inputs.push({ name, type, shape: meta?.shape ?? shape });
  }
  for (const name of session.outputNames) {
    const meta = session.outputMetadata?.find((m) => m.name === name);
    io.outputs.push({ name, type: meta?.type ?? 'unknown', shape: meta?.shape ?? [] });
  }
  emit('io', io);

  const warmup = Number(v['warmup']);
  const runs = Math.max(warmup, profileDir ? 1 : 0);
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    try {
      await session.run(feeds);
    } catch (error) {
      emit('error', { stage: 'run', message: String((error as Error).message).split('\n')[0] });
      process.exitCode = 5;
      return;
    }
    // A profiling run that was not asked for as warm-up is still not a sample.
    emit('warmup', `${i + 1} ${ms(t)}`);
  }
  if (profileDir) {
    // Profiling covers the warm-up only: it tells which provider ran each node, at no cost to samples.
    session.endProfiling();
    emit('providers', providerCounts(profileDir));
    rmSync(profileDir, { recursive: true, force: true });
  }

  const minN = Number(v['min-iterations']);
  const maxN = Number(v['max-iterations']);
  const maxTime = Number(v['max-time-ms']);
  const target = Number(v['target-rme']);
  const samples: number[] = [];
  let total = 0;
  let reason = 'max-iterations';
  while (samples.length < maxN) {
    const t = process.hrtime.bigint();
    await session.run(feeds);
    const dt = ms(t);
    samples.push(dt);
    total += dt;
    emit('sample', `${samples.length} ${dt}`);
    if (samples.length >= minN) {
      if (reachedTargetMargin(samples, target)) {
        reason = 'target';
        break;
      }
      if (total >= maxTime) {
        reason = 'max-time';
        break;
      }
    }
  }
  // Peak resident set of this process (Node reports kilobytes), model and session included.
  emit('rss', String(process.resourceUsage().maxRSS * 1024));
  emit('done', { n: samples.length, reason, rme: samples.length > 0 ? relativeMargin(samples) : null });
  await session.release();
}

function ms(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Nodes per execution provider, from the profile written during warm-up. */
function providerCounts(dir: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const f of readdirSync(dir)) {
    const events = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { cat?: string; name?: string; args?: { provider?: string } }[];
    const seen = new Set<string>();
    for (const e of events) {
      if (e.cat !== 'Node' || !e.args?.provider || !e.name?.endsWith('_kernel_time')) continue;
      if (seen.has(e.name)) continue;
      seen.add(e.name);
      counts[e.args.provider] = (counts[e.args.provider] ?? 0) + 1;
    }
  }
  return counts;
}

main().catch((error: unknown) => {
  emit('error', { stage: 'runner', message: String((error as Error).message ?? error).split('\n')[0] });
  process.exitCode = 2;
});
