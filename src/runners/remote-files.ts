// Pushing a model's files to the device under the harness's work folder, keeping the layout (graph at
// the top, weights/ beside it) so the runtime finds external data relative to the graph. The file
// names come from data (a manifest, an ONNX file's external-data locations): each must stay inside
// the model's folder, here as when the manifest was read, and the transport keeps every write inside
// the work folder.
import { posix } from 'node:path';
import { join } from 'node:path';
import { statSync } from 'node:fs';
import { joinDataPath } from '../data-path.js';
import type { PushResult, Transport } from '../transports/types.js';
import type { ModelFiles, RunnerContext, StagedModel } from './types.js';

export interface PushStats {
  files: number;
  skipped: number;
  bytes: number;
  ms: number;
}

/** `<workDir>/models/<store config folder>/...` */
export function remoteModelDir(ctx: RunnerContext, model: ModelFiles): string {
  return posix.join(ctx.workDir, 'models', posix.basename(model.root.replace(/\\/g, '/')));
}

export async function pushModel(ctx: RunnerContext, model: ModelFiles, stats?: PushStats): Promise<StagedModel> {
  const dir = remoteModelDir(ctx, model);
  const source = { file: join(model.root, model.graph), field: 'files', folder: `the model's folder ${model.root}` };
  const items = model.files.map((file) => ({ local: join(model.root, file), remote: joinDataPath(dir, file, source) }));
  const results = await pushFiles(ctx, items);
  for (const r of results) {
    if (stats) {
      stats.files += 1;
      stats.skipped += r.skipped ? 1 : 0;
      stats.bytes += r.bytes;
      stats.ms += r.durationMs;
    }
  }
  return { model, remotePath: posix.join(dir, model.graph) };
}

/**
 * Files this transport already holds, verified earlier in the run: remote path -> the local file's
 * identity. Weight files shared by many graphs are then hashed on the device once per run, not once
 * per graph.
 */
const verified = new WeakMap<Transport, Map<string, string>>();

function localIdentity(path: string): string {
  const st = statSync(path);
  return `${path}\0${st.size}\0${st.mtimeMs}`;
}

/** Pushes files, in one batch when the transport can (see Transport.pushMany). */
export async function pushFiles(ctx: RunnerContext, items: { local: string; remote: string }[]): Promise<PushResult[]> {
  const known = verified.get(ctx.transport) ?? new Map<string, string>();
  verified.set(ctx.transport, known);
  const ids = items.map((i) => localIdentity(i.local));
  const todo = items.filter((item, k) => known.get(item.remote) !== ids[k]);
  const options = ctx.signal ? { signal: ctx.signal } : {};
  const pushed = ctx.transport.pushMany
    ? await ctx.transport.pushMany(todo, options)
    : await sequential(todo.map((i) => () => ctx.transport.push(i.local, i.remote, options)));
  const byRemote = new Map(todo.map((item, k) => [item.remote, pushed[k]!]));
  return items.map((item, k) => {
    const r = byRemote.get(item.remote);
    known.set(item.remote, ids[k]!);
    return r ?? { skipped: true, bytes: 0, durationMs: 0 };
  });
}

async function sequential<T>(tasks: (() => Promise<T>)[]): Promise<T[]> {
  const out: T[] = [];
  for (const t of tasks) out.push(await t());
  return out;
}
