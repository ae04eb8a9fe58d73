// Pushing a model's files to the device under the harness's work folder, keeping the layout (graph at
// the top, weights/ beside it) so the runtime finds external data relative to the graph.
import { posix } from 'node:path';
import { join } from 'node:path';
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
  for (const file of model.files) {
    const r = await ctx.transport.push(join(model.root, file), posix.join(dir, file), ctx.signal ? { signal: ctx.signal } : {});
    if (stats) {
      stats.files += 1;
      stats.skipped += r.skipped ? 1 : 0;
      stats.bytes += r.bytes;
      stats.ms += r.durationMs;
    }
  }
  return { model, remotePath: posix.join(dir, model.graph) };
}
