// The optimized-graph cache both device runners use (ort-runner.ts per block, pipeline-runner.ts per
// photo), so a model measured as an entry loads as fast in the end-to-end run as in its rounds.
//
// Offline graph optimization (onnxruntime's documented "offline mode"): at the `all` level the CPU
// provider's layout transformations take 10-15 s for the largest blocks (1 GB of weights) on every
// session, while the inference they produce is the same. The first session of a model saves its
// optimized graph (weights beside it) into the cache; later sessions load that graph with the
// optimizer off, about 1 s. The graph is specific to this runtime version and this CPU (the NCHWc
// layout depends on its vector width), so both are in the key, with the model's content hash. A
// cache entry becomes visible only complete (written under a temporary name, then renamed); one
// that fails to load is removed and rebuilt.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { ortVersion, type Ort, type Session } from './ort-types.js';

export function optimizedCacheDir(root: string, modelId: string, ort: Ort): string {
  const version = ortVersion(ort) ?? 'unknown';
  const cpu = `${process.arch} ${cpus()[0]?.model ?? ''}`;
  const machine = createHash('sha256').update(cpu).digest('hex').slice(0, 12);
  return join(root, `${modelId.replace(/[^A-Za-z0-9._-]/g, '_')}-ort${version}-${machine}`);
}

const OPTIMIZED_GRAPH = 'model.onnx';
const COMPLETE = 'complete';

type SessionOptions = Record<string, unknown>;

export async function loadOptimized(ort: Ort, dir: string, options: SessionOptions): Promise<Session | undefined> {
  if (!existsSync(join(dir, COMPLETE))) return undefined;
  try {
    const graph = join(dir, OPTIMIZED_GRAPH);
    return await ort.InferenceSession.create(graph, { ...options, graphOptimizationLevel: 'disabled' });
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
}

/** The caller's `extra` session entries, kept when saving adds its own. */
function extraOf(options: SessionOptions): Record<string, Record<string, unknown>> {
  return (options['extra'] ?? {}) as Record<string, Record<string, unknown>>;
}

export async function createAndSave(ort: Ort, model: string, dir: string, options: SessionOptions): Promise<Session> {
  mkdirSync(join(dir, '..'), { recursive: true });
  const temp = `${dir}.tmp-${process.pid}`;
  rmSync(temp, { recursive: true, force: true });
  mkdirSync(temp);
  let session: Session;
  try {
    session = await ort.InferenceSession.create(model, {
      ...options,
      // Saving warns that the graph is specific to this machine, which is why the key says so.
      logSeverityLevel: 3,
      optimizedModelFilePath: join(temp, OPTIMIZED_GRAPH),
      // Weights go to one file beside the graph (a 1 GB graph cannot be one protobuf).
      extra: {
        ...extraOf(options),
        session: {
          ...extraOf(options)['session'],
          optimized_model_external_initializers_file_name: 'weights.bin',
          optimized_model_external_initializers_min_size_in_bytes: '1024',
        },
      },
    });
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    throw error;
  }
  try {
    writeFileSync(join(temp, COMPLETE), '');
    renameSync(temp, dir);
  } catch {
    // Another process saved the same graph first (or the disk is full): measure anyway, cache nothing.
    rmSync(temp, { recursive: true, force: true });
  }
  return session;
}
