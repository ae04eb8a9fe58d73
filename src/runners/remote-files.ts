// Pushing a model's files to the device under the harness's work folder, keeping the layout (graph at
// the top, weights/ beside it) so the runtime finds external data relative to the graph.
import { posix } from 'node:path';
import { join } from 'node:path';
import type { PushResult } from '../transports/types.js';
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
  const results = await pushFiles(ctx, model.files.map((file) => ({ local: join(model.root, file), remote: posix.join(dir, file) })));
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

/** Pushes files, in one batch when the transport can (see Transport.pushMany). */
export async function pushFiles(ctx: RunnerContext, items: { local: string; remote: string }[]): Promise<PushResult[]> {
  const options = ctx.signal ? { signal: ctx.signal } : {};
  if (ctx.transport.pushMany) return ctx.transport.pushMany(items, options);
  return sequential(items.map((i) => () => ctx.transport.push(i.local, i.remote, options)));
}

async function sequential<T>(tasks: (() => Promise<T>)[]): Promise<T[]> {
  const out: T[] = [];
  for (const t of tasks) out.push(await t());
  return out;
}
